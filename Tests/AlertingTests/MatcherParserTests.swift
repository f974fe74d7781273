import Alerting
import Testing

@Suite struct MatcherParserTests {
    /// Input → printed matchers (`labels.Matchers.String`).
    @Test(arguments: [
        ("foo=\"bar\"", #"{foo="bar"}"#),
        ("foo=bar", #"{foo="bar"}"#),
        ("foo!=bar", #"{foo!="bar"}"#),
        ("foo=~\"a|b\"", #"{foo=~"a|b"}"#),
        ("foo!~a.*", #"{foo!~"a.*"}"#),
        (" foo = bar baz ", #"{foo="bar baz"}"#),
        ("{foo=\"bar\", baz=~\"q.*\"}", #"{foo="bar",baz=~"q.*"}"#),
        ("{foo=bar,}", #"{foo="bar"}"#),
        ("foo=\"a,b\",c=d", #"{foo="a,b",c="d"}"#),
        ("foo=\"\"", #"{foo=""}"#),
        ("foo=", #"{foo=""}"#),
        ("foo==bar", #"{foo="=bar"}"#),
        ("foo=!bar", #"{foo="!bar"}"#),
        ("a:b_c=1", #"{a:b_c="1"}"#),
        (#"foo="a\"b""#, #"{foo="a\"b"}"#),
        (#"foo="a\\b""#, #"{foo="a\\b"}"#),
        (#"foo="a\nb""#, #"{foo="a\nb"}"#),
        (#"foo="a\qb""#, #"{foo="a\\qb"}"#),
        (#"foo=a\"#, #"{foo="a\\"}"#),
        ("{}", "{}"),
    ])
    func parses(_ input: String, _ printed: String) throws {
        #expect(try MatcherParser.parseMatchers(input).listDescription == printed)
    }

    @Test(arguments: [
        ("foo", "bad matcher format: foo"),
        ("=bar", "bad matcher format: =bar"),
        ("1foo=bar", "bad matcher format: 1foo=bar"),
        ("foo-bar=x", "bad matcher format: foo-bar=x"),
        ("a=b,,c=d", "bad matcher format: "),
        ("foo=\"bar", "matcher value contains unescaped double quote: \"bar"),
        ("foo=b\"ar", "matcher value contains unescaped double quote: b\"ar"),
        ("foo=\"b\"ar\"", "matcher value contains unescaped double quote: \"b\"ar\""),
        ("foo=~\"(a\"", "error parsing regexp: missing closing ): `^(?:(a)$`"),
        ("foo=~\"a)\"", "error parsing regexp: unexpected ): `^(?:a))$`"),
        ("foo=~\"*a\"", "error parsing regexp: missing argument to repetition operator: `*`"),
    ])
    func rejects(_ input: String, _ message: String) {
        #expect(throws: MatcherError.self) { try MatcherParser.parseMatchers(input) }
        do {
            _ = try MatcherParser.parseMatchers(input)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func regexesAreAnchoredAndMissingLabelsAreEmpty() throws {
        let m = try MatcherParser.parseMatcher("team=~\"front.*\"")
        #expect(m.matches(["team": "frontend"]))
        #expect(!m.matches(["team": "xfrontend"]))
        #expect(try MatcherParser.parseMatcher("sev=\"\"").matches([:]))
        #expect(try MatcherParser.parseMatcher("sev!~\"a|b\"").matches([:]))
        #expect(!(try MatcherParser.parseMatcher("sev=~\".+\"").matches([:])))
    }

    @Test func sortsByNameValueThenOperator() throws {
        let ms = try MatcherParser.parseMatchers("b=~x,a!=y,b=x,a=y").sorted()
        #expect(ms.listDescription == #"{a="y",a!="y",b="x",b=~"x"}"#)
    }
}
