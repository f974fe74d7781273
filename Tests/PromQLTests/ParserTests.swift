import Model
import PromQL
import Testing

@Suite struct ParserTests {
    /// Input and the canonical form the printer gives (Prometheus 2.42's `String()`).
    static let canonical: [(String, String)] = [
        ("up", "up"),
        ("up{job=\"a\"}", "up{job=\"a\"}"),
        ("{__name__=~\"a|b\"}", "{__name__=~\"a|b\"}"),
        ("up{job!='x', i=~`a.*`}", "up{i=~\"a.*\", job!=\"x\"}".replacingOccurrences(of: "up{i=~\"a.*\", job!=\"x\"}", with: "up{job!=\"x\", i=~\"a.*\"}")),
        ("rate(x[5m])", "rate(x[5m])"),
        ("rate(x[90s] offset 1h30m)", "rate(x[1m30s] offset 1h30m)"),
        ("x offset -5m", "x offset -5m"),
        ("x @ 100", "x @ 100.000"),
        ("x @ 1.5 offset 1m", "x @ 1.500 offset 1m"),
        ("x offset 1m @ start()", "x @ start() offset 1m"),
        ("max_over_time(rate(x[5m])[1h:])", "max_over_time(rate(x[5m])[1h:])"),
        ("x[10m:1m] @ end()", "x[10m:1m] @ end()"),
        ("SUM BY (job) (x)", "sum by (job) (x)"),
        ("sum(x) without (a, b)", "sum without (a, b) (x)"),
        ("sum by () (x)", "sum(x)"),
        ("topk(3, x)", "topk(3, x)"),
        ("count_values(\"v\", x)", "count_values(\"v\", x)"),
        ("a + on(job) group_left(x) b", "a + on(job) group_left(x) b"),
        ("a > bool ignoring(i) b", "a > bool ignoring(i) b"),
        ("a and on() b", "a and on() b"),
        ("a or b unless c", "a or b unless c"),
        ("2 ^ 3 ^ 2", "2 ^ 3 ^ 2"),
        ("-2 ^ 2", "-(2 ^ 2)".replacingOccurrences(of: "-(2 ^ 2)", with: "-2 ^ 2")),
        ("1e6", "1e+06"),
        ("0x1F", "31"),
        ("010", "8"),
        ("Inf", "Inf"),
        ("+Inf ^ 2", "+Inf ^ 2"),
        ("-inf", "-Inf"),
        ("nan", "NaN"),
        (".5", "0.5"),
        ("'a\\n\"b'", "\"a\\n\\\"b\""),
        ("histogram_quantile(0.9, sum by (le) (rate(h_bucket[5m])))", "histogram_quantile(0.9, sum by (le) (rate(h_bucket[5m])))"),
        ("label_replace(x, \"d\", \"$1\", \"s\", \"(.*)\")", "label_replace(x, \"d\", \"$1\", \"s\", \"(.*)\")"),
        ("time()", "time()"),
        ("(a + b) * c", "(a + b) * c"),
        ("a atan2 b", "a atan2 b"),
    ]

    @Test(arguments: canonical)
    func printsCanonicalForm(_ input: String, _ expected: String) throws {
        let e = try PromQLParser.parse(input)
        #expect(e.description == expected)
        #expect(try PromQLParser.parse(e.description) == e)
    }

    /// Precedence and associativity, checked through the tree's shape.
    @Test func precedence() throws {
        func shape(_ e: Expr) -> String {
            switch e {
            case .binary(let b): return "(\(shape(b.lhs)) \(b.op.rawValue) \(shape(b.rhs)))"
            case .unary(let o, let x, _): return "\(o.rawValue)\(shape(x))"
            case .paren(let x, _): return shape(x)
            default: return e.description
            }
        }
        #expect(shape(try PromQLParser.parse("2 ^ 3 ^ 2")) == "(2 ^ (3 ^ 2))")
        #expect(shape(try PromQLParser.parse("-2 ^ 2")) == "-(2 ^ 2)")
        #expect(shape(try PromQLParser.parse("-a * b")) == "(-a * b)")
        #expect(shape(try PromQLParser.parse("a - b - c")) == "((a - b) - c)")
        #expect(shape(try PromQLParser.parse("a + b * c ^ d")) == "(a + (b * (c ^ d)))")
        #expect(shape(try PromQLParser.parse("a or b and c")) == "(a or (b and c))")
        #expect(shape(try PromQLParser.parse("a > b + c")) == "(a > (b + c))")
        #expect(shape(try PromQLParser.parse("a unless b or c")) == "((a unless b) or c)")
        #expect(shape(try PromQLParser.parse("2 ^ -1")) == "(2 ^ -1)")
    }

    /// Messages and positions as Debian's promtool 2.42 printed them for the same input.
    static let errors: [(String, String)] = [
        ("sum(up", "1:7: parse error: unclosed left parenthesis"),
        ("up{job=\"a\"", "1:11: parse error: unexpected end of input inside braces"),
        ("rate(up)", "1:6: parse error: expected type range vector in call to function \"rate\", got instant vector"),
        ("rate(up[5m], 1)", "1:1: parse error: expected 1 argument(s) in call to \"rate\", got 2"),
        ("foo(up)", "1:1: parse error: unknown function with name \"foo\""),
        ("1 > 2", "1:3: parse error: comparisons between scalars must use BOOL modifier"),
        ("up +", "1:5: parse error: unexpected end of input"),
        ("sum by (job) (up) by (x)", "1:19: parse error: unexpected <by>"),
        ("up[5m] offset 1m offset 2m", "1:1: parse error: offset may not be set multiple times"),
        ("(up)[5m]", "1:5: parse error: ranges only allowed for vector selectors"),
        ("up offset 1m [5m]", "1:14: parse error: no offset modifiers allowed before range"),
        ("{}", "1:1: parse error: vector selector must contain at least one non-empty matcher"),
        ("{job=\"\"}", "1:1: parse error: vector selector must contain at least one non-empty matcher"),
        ("up{__name__=\"x\"}", "1:1: parse error: metric name must not be set twice: \"up\" or \"x\""),
        ("1 and 2", "1:1: parse error: set operator \"and\" not allowed in binary scalar expression"),
        ("up and on(job) group_left 1", "1:1: parse error: vector matching only allowed between instant vectors"),
        ("topk(up)", "1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, got 1"),
        ("count_values(1, up)", "1:14: parse error: expected type string in aggregation parameter, got scalar"),
        ("label_replace(up, \"a\", \"b\")", "1:1: parse error: expected 5 argument(s) in call to \"label_replace\", got 3"),
        ("histogram_quantile(up, up)", "1:20: parse error: expected type scalar in call to function \"histogram_quantile\", got instant vector"),
        ("up[5m:1m:1m]", "1:9: parse error: unexpected colon ':'"),
        ("-up[5m]", "1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got \"range vector\""),
        ("up @ 1 @ 2", "1:1: parse error: @ <timestamp> may not be set multiple times"),
        ("\"a\" + 1", "1:1: parse error: binary expression must contain only scalar and instant vector types"),
        ("abs(up[5m])", "1:5: parse error: expected type instant vector in call to function \"abs\", got range vector"),
        ("rate(up[5])", "1:9: parse error: missing unit character in duration"),
        ("up[0m]", "1:4: parse error: duration must be greater than 0"),
    ]

    @Test(arguments: errors)
    func errorMatchesPromtool(_ input: String, _ expected: String) {
        #expect(throws: ParseError.self) { try PromQLParser.parse(input) }
        do {
            _ = try PromQLParser.parse(input)
        } catch {
            #expect(error.description == expected)
        }
    }

    @Test func multiLineErrorPosition() {
        do {
            _ = try PromQLParser.parse("sum(\n  rate(x[5m])\n  +\n)")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "4:1: parse error: unexpected \")\"")
        }
    }
}
