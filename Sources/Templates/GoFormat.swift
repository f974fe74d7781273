import Foundation
import Model

/// Go `fmt` number formatting the template functions depend on.
enum GoFormat {
    /// Go's `%.<prec>g` (`strconv.FormatFloat(v, 'g', prec, 64)`): `prec` significant digits,
    /// exponent form when the exponent is < -4 or ≥ the precision, trailing zeros dropped.
    static func g(_ v: Double, precision: Int) -> String {
        if v.isNaN { return "NaN" }
        if v == .infinity { return "+Inf" }
        if v == -.infinity { return "-Inf" }
        let prec = max(precision, 1)
        let neg = v.sign == .minus
        if v == 0 { return neg ? "-0" : "0" }
        // C's %e rounds the exact binary value half-to-even, as Go's decimal rounding does.
        let (mantissa, exp) = cExponent(v.magnitude, digits: prec)
        var digits = mantissa
        while digits.count > 1, digits.last == "0" { digits.removeLast() }
        let nd = digits.count, dp = exp + 1
        var eprec = prec
        if eprec > nd && nd >= dp { eprec = nd }
        var out = neg ? "-" : ""
        if exp < -4 || exp >= eprec {
            out.append(digits[0])
            if nd > 1 { out += "." + String(digits[1...]) }
            out += "e" + (exp < 0 ? "-" : "+") + (abs(exp) < 10 ? "0" : "") + String(abs(exp))
            return out
        }
        // Plain form with max(nd - dp, 0) fraction digits.
        if dp <= 0 {
            out += "0." + String(repeating: "0", count: -dp) + String(digits)
        } else if dp >= nd {
            out += String(digits) + String(repeating: "0", count: dp - nd)
        } else {
            out += String(digits[..<dp]) + "." + String(digits[dp...])
        }
        return out
    }

    /// C's `%.<digits-1>e` of a finite non-negative value, as its significant digits and
    /// decimal exponent: straight from `vsnprintf` into a buffer (alert templates format a
    /// value per alert per evaluation; Foundation's `String(format:)` cost ten times more).
    static func cExponent(_ v: Double, digits: Int) -> (digits: [Character], exponent: Int) {
        let format = "%.\(digits - 1)e"
        var size = 64
        while true {
            var buf = [CChar](repeating: 0, count: size)
            let n = withVaList([v]) { args in buf.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, size, format, args) } }
            if Int(n) >= size {
                size = Int(n) + 1
                continue
            }
            var mantissa: [Character] = []
            mantissa.reserveCapacity(digits)
            var i = 0
            while i < Int(n), buf[i] != 0x65 /* e */ {
                if buf[i] != 0x2e /* . */ { mantissa.append(Character(Unicode.Scalar(UInt8(bitPattern: buf[i])))) }
                i += 1
            }
            var exponent = 0, negative = false
            i += 1
            if i < Int(n), buf[i] == 0x2d /* - */ { negative = true }
            i += 1
            while i < Int(n) {
                exponent = exponent * 10 + Int(buf[i] - 0x30)
                i += 1
            }
            return (mantissa, negative ? -exponent : exponent)
        }
    }

    /// A subset of Go's `fmt.Sprintf`: flags `-+ 0#`, width, precision and the verbs
    /// `v s d f F e E g G q x X t %`.
    static func sprintf(_ format: String, _ args: [TemplateValue]) -> String {
        var out = ""
        let f = Array(format)
        var i = 0, argIndex = 0
        while i < f.count {
            let c = f[i]
            if c != "%" { out.append(c); i += 1; continue }
            i += 1
            guard i < f.count else { out += "%!(NOVERB)"; break }
            var flags = ""
            while i < f.count, "-+ 0#".contains(f[i]) { flags.append(f[i]); i += 1 }
            var width: Int?
            var num = ""
            while i < f.count, f[i].isNumber { num.append(f[i]); i += 1 }
            if !num.isEmpty { width = Int(num) }
            var precision: Int?
            if i < f.count, f[i] == "." {
                i += 1
                var p = ""
                while i < f.count, f[i].isNumber { p.append(f[i]); i += 1 }
                precision = Int(p) ?? 0
            }
            guard i < f.count else { out += "%!(NOVERB)"; break }
            let verb = f[i]
            i += 1
            if verb == "%" { out += "%"; continue }
            guard argIndex < args.count else { out += "%!\(verb)(MISSING)"; continue }
            let arg = args[argIndex]
            argIndex += 1
            var s = format1(verb, arg, flags: flags, precision: precision)
            if let w = width, s.count < w {
                let pad = w - s.count
                if flags.contains("-") { s += String(repeating: " ", count: pad) }
                else if flags.contains("0"), "dfFeEgGxX".contains(verb) {
                    let signed = s.hasPrefix("-") || s.hasPrefix("+")
                    s = (signed ? String(s.first!) : "") + String(repeating: "0", count: pad) + (signed ? String(s.dropFirst()) : s)
                } else { s = String(repeating: " ", count: pad) + s }
            }
            out += s
        }
        if argIndex < args.count {
            out += "%!(EXTRA " + args[argIndex...].map { "\($0.goType)=\($0.printed)" }.joined(separator: ", ") + ")"
        }
        return out
    }

    static func format1(_ verb: Character, _ arg: TemplateValue, flags: String, precision: Int?) -> String {
        func plus(_ s: String, _ v: Double) -> String { flags.contains("+") && v.sign == .plus && !v.isNaN ? "+" + s : s }
        func bad() -> String { "%!\(verb)(\(arg.goType)=\(arg.printed))" }
        switch (verb, arg) {
        case ("v", _), ("s", .string), ("s", .bool):
            if case .float(let v) = arg, let p = precision { return g(v, precision: p) }
            return arg.printed
        case ("s", _): return bad()
        case ("q", .string(let s)): return goQuote(s)
        case ("t", .bool(let b)): return b ? "true" : "false"
        case ("d", .int(let n)): return flags.contains("+") && n >= 0 ? "+\(n)" : String(n)
        case ("x", .int(let n)): return String(n, radix: 16)
        case ("X", .int(let n)): return String(n, radix: 16).uppercased()
        case ("x", .string(let s)): return s.utf8.map { String(format: "%02x", $0) }.joined()
        case ("f", .float(let v)), ("F", .float(let v)), ("e", .float(let v)), ("E", .float(let v)), ("g", .float(let v)), ("G", .float(let v)):
            if v.isNaN { return "NaN" }
            if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
            switch verb {
            case "f", "F": return plus(String(format: "%.\(precision ?? 6)f", v), v)
            case "e", "E":
                let s = precision.map { String(format: "%.\($0)e", v) } ?? GoFloat.formatE(v)
                return plus(verb == "E" ? s.uppercased() : s, v)
            default:
                let s = precision.map { g(v, precision: $0) } ?? GoFloat.formatG(v)
                return plus(verb == "G" ? s.uppercased() : s, v)
            }
        case ("f", .int), ("e", .int), ("g", .int), ("d", .float):
            return bad()
        default:
            return bad()
        }
    }
}
