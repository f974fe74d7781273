import Model
import PromQL
import PromQLTesting
import Testing

/// parse(print(ast)) == ast over randomly generated expressions.
@Suite struct RoundTripPropertyTests {
    struct Generator {
        var rng: SplitMix64

        mutating func pick<T>(_ xs: [T]) -> T { xs[Int(rng.next() % UInt64(xs.count))] }
        mutating func chance(_ n: UInt64) -> Bool { rng.next() % n == 0 }

        mutating func duration() -> String { pick(["1m", "5m", "30s", "1h", "1h30m", "2d", "1w", "100ms"]) }

        mutating func selector() -> String {
            var s = pick(["up", "http_requests_total", "a:b:c", "x"])
            if chance(2) {
                let ms = (0..<Int(rng.next() % 3 + 1)).map { _ in
                    "\(pick(["job", "instance", "le", "on"]))\(pick(["=", "!=", "=~", "!~"]))\(pick(["\"a\"", "\"b.*\"", "'x\\ny'", "`raw`"]))"
                }
                s += "{" + ms.joined(separator: ",") + "}"
            }
            return s
        }

        mutating func modifiers() -> String {
            var s = ""
            if chance(4) { s += " offset " + (chance(2) ? "-" : "") + duration() }
            if chance(5) { s += pick([" @ 100", " @ start()", " @ end()", " @ 1.5"]) }
            return s
        }

        mutating func scalar(_ depth: Int) -> String {
            if depth <= 0 || chance(2) { return pick(["1", "2.5", "1e3", "0.001", "Inf", "NaN", "0x10"]) }
            switch rng.next() % 3 {
            case 0: return "\(scalar(depth - 1)) \(pick(["+", "-", "*", "/", "%", "^"])) \(scalar(depth - 1))"
            case 1: return "scalar(\(vector(depth - 1)))"
            default: return "(\(scalar(depth - 1)))"
            }
        }

        mutating func range(_ depth: Int) -> String {
            if depth <= 0 || chance(2) { return "\(selector())[\(duration())]\(modifiers())" }
            return "\(vector(depth - 1))[\(duration()):\(chance(2) ? duration() : "")]\(modifiers())"
        }

        mutating func grouping() -> String {
            if chance(2) { return "" }
            return " \(pick(["by", "without"])) (\(pick(["job", "job, instance", ""]))) "
        }

        mutating func vector(_ depth: Int) -> String {
            if depth <= 0 { return selector() + modifiers() }
            switch rng.next() % 9 {
            case 0: return selector() + modifiers()
            case 1: return "\(pick(["rate", "increase", "delta", "max_over_time", "changes"]))(\(range(depth - 1)))"
            case 2: return "\(pick(["sum", "avg", "max", "count", "stddev"]))\(grouping())(\(vector(depth - 1)))"
            case 3: return "topk(\(scalar(depth - 1)), \(vector(depth - 1)))"
            case 4:
                var op = pick(["+", "-", "*", "/", ">", "<=", "==", "and", "or", "unless", "atan2"])
                let setOp = ["and", "or", "unless"].contains(op)
                if !setOp, [">", "<=", "=="].contains(op), chance(2) { op += " bool" }
                if chance(3) { op += " \(pick(["on", "ignoring"]))(\(pick(["job", ""])))" }
                if !setOp, chance(4) { op += " \(pick(["group_left", "group_right"]))(\(pick(["x", ""])))" }
                return "\(vector(depth - 1)) \(op) \(vector(depth - 1))"
            case 5: return "\(vector(depth - 1)) \(pick(["+", "*", ">", "^"])) \(scalar(depth - 1))"
            case 6: return "-\(vector(depth - 1))"
            case 7: return "(\(vector(depth - 1)))"
            default: return "histogram_quantile(\(scalar(depth - 1)), \(vector(depth - 1)))"
            }
        }
    }

    @Test func printedExpressionsParseToTheSameTree() throws {
        var g = Generator(rng: SplitMix64(state: 42))
        var checked = 0
        for _ in 0..<3000 {
            let text = g.vector(4)
            let ast: Expr
            do { ast = try PromQLParser.parse(text) } catch {
                // The generator can produce type errors (e.g. group_left with on(x) and x included); skip those.
                continue
            }
            let printed = ast.description
            let reparsed = try PromQLParser.parse(printed)
            #expect(reparsed == ast, "\(text)\n printed: \(printed)\n reprinted: \(reparsed)")
            #expect(reparsed.description == printed)
            checked += 1
        }
        #expect(checked > 2000)
    }
}
