/// Go's `strconv.FormatFloat(v, fmt, -1, 64)`, which Prometheus uses everywhere it prints numbers.
public enum GoFloat {
    /// Shortest round-trip decimal digits and the exponent e such that v = 0.d1d2... × 10^e.
    static func digits(_ v: Double) -> (digits: [UInt8], exp: Int) {
        let s = Array(v.magnitude.description.utf8)
        var mant: [UInt8] = []
        var pointPos: Int? = nil
        var exp10 = 0
        var i = 0
        while i < s.count {
            let c = s[i]
            if c == UInt8(ascii: ".") { pointPos = mant.count }
            else if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                exp10 = Int(String(decoding: s[(i + 1)...], as: UTF8.self))!
                break
            } else { mant.append(c - 48) }
            i += 1
        }
        var point = pointPos ?? mant.count
        while let f = mant.first, f == 0, mant.count > 1 { mant.removeFirst(); point -= 1 }
        while let l = mant.last, l == 0, mant.count > 1 { mant.removeLast() }
        if mant == [0] { return ([0], 1) }
        return (mant, point + exp10)
    }

    static func special(_ v: Double) -> String? {
        if v.isNaN { return "NaN" }
        if v == .infinity { return "+Inf" }
        if v == -.infinity { return "-Inf" }
        return nil
    }

    /// `'f'` with shortest precision: never an exponent.
    public static func formatF(_ v: Double) -> String {
        if let s = special(v) { return s }
        let sign = v.sign == .minus ? "-" : ""
        if v == 0 { return sign + "0" }
        let (d, e) = digits(v)
        var out = sign
        if e <= 0 {
            out += "0." + String(repeating: "0", count: -e) + d.map(String.init).joined()
        } else if e >= d.count {
            out += d.map(String.init).joined() + String(repeating: "0", count: e - d.count)
        } else {
            out += d[..<e].map(String.init).joined() + "." + d[e...].map(String.init).joined()
        }
        return out
    }

    /// `'e'` / `'E'` with shortest precision: `1e+00`, `1.2345675E+06`.
    public static func formatE(_ v: Double, upper: Bool = false) -> String {
        if let s = special(v) { return s }
        let sign = v.sign == .minus ? "-" : ""
        let (d, e) = v == 0 ? ([UInt8(0)], 1) : digits(v)
        var out = sign + String(d[0])
        if d.count > 1 { out += "." + d[1...].map(String.init).joined() }
        let x = e - 1
        out += (upper ? "E" : "e") + (x < 0 ? "-" : "+")
        let ax = abs(x)
        out += ax < 10 ? "0\(ax)" : "\(ax)"
        return out
    }

    /// `'g'`-like choice Prometheus' JSON uses: `'e'` when v != 0 and |v| < 1e-6 or ≥ 1e21.
    public static func formatJSON(_ v: Double) -> String {
        if v != 0, v.isFinite, abs(v) < 1e-6 || abs(v) >= 1e21 { return formatE(v) }
        return formatF(v)
    }

    /// Go's `fmt.Sprint(v)` (shortest `'g'`): exponent form when the exponent is < -4 or ≥ 6.
    /// The PromQL printer writes number literals this way.
    public static func formatG(_ v: Double) -> String {
        if let s = special(v) { return s }
        if v == 0 { return v.sign == .minus ? "-0" : "0" }
        let (d, e) = digits(v)
        let x = e - 1
        if x < -4 || x >= 6 { return formatE(v) }
        return formatF(v)
    }
}
