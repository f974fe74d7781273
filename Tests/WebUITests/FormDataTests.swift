import Testing
@testable import WebUI

@Suite struct FormDataTests {
    @Test func decodesPlusPercentAndRepeatedFields() {
        let f = FormData(encoded: "a=1&b=x+y&c=%2F%C3%A9&a=2&d&e=%zz")
        #expect(f["a"] == "1")
        #expect(f.values("a") == ["1", "2"])
        #expect(f["b"] == "x y")
        #expect(f["c"] == "/é")
        #expect(f["d"] == "")
        #expect(f["e"] == "%zz")
        #expect(f["missing"] == nil)
    }

    @Test func encodeRoundTrips() {
        let s = "a b&c=d/é\"<"
        #expect(FormData(encoded: FormData.query([("k", s)]))["k"] == s)
    }

    @Test func escapesEveryMarkupCharacter() {
        #expect(HTML.escape(evil) == evilEscaped)
        #expect(HTML.safeURL("https://x/y") == "https://x/y")
        #expect(HTML.safeURL("/ui/alerts") == "/ui/alerts")
        #expect(HTML.safeURL("//evil.example") == nil)
        #expect(HTML.safeURL(" JavaScript:alert(1)") == nil)
        #expect(HTML.safeURL("data:text/html,x") == nil)
    }
}
