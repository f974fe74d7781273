import Foundation
import Model
import Testing
@testable import WebUI

@Suite struct QueryPageTests {
    static let now: Int64 = 1_800_000_000_000

    @Test func parseErrorIsMarkedAtItsPosition() async {
        let expr = "sum(rate(x[5m])"
        let html = await get(WebUI(source: FakeDataSource()), "/ui/query", "expr=" + FormData.encode(expr)).body
        #expect(html.contains("id=\"parse-error\""))
        #expect(html.contains("1:16: parse error: unclosed left parenthesis"))
        // The position is the end of input: a marked space there, and the caret under it.
        #expect(html.contains("<pre class=\"expr-error\">sum(rate(x[5m])<mark class=\"err\"> </mark>"))
        #expect(html.contains("<span class=\"caret\">" + String(repeating: " ", count: 15) + "^</span>"))
        #expect(!html.contains("id=\"graph\""))
    }

    @Test func errorRangeInsideTheExpressionIsMarked() {
        var h = HTML()
        QueryPage.errorWithPosition(UIQueryError(message: "1:5: parse error: unexpected <op:+>", position: 4..<5),
                                    expr: "foo +", into: &h)
        #expect(h.output.contains("foo <mark class=\"err\">+</mark>"))
        #expect(h.output.contains("<span class=\"caret\">    ^</span>"))
        var u = HTML()
        // Multi-byte characters before the error: the caret counts characters, not bytes.
        QueryPage.errorWithPosition(UIQueryError(message: "e", position: 9..<10), expr: "{a=\"é\"} <", into: &u)
        #expect(u.output.contains("{a=&quot;é&quot;} <mark class=\"err\">&lt;</mark>"))
        #expect(u.output.contains("<span class=\"caret\">" + String(repeating: " ", count: 8) + "^</span>"))
    }

    @Test func showsTableAndSVGGraphOverTheChosenRange() async throws {
        let expr = "rate(http_requests_total[5m])"
        let series = [
            UISeries(labels: Labels(["code": "200", "job": "api"]), points: (0...240).map { UIPoint(t: Self.now - 3_600_000 + Int64($0) * 15_000, v: Double($0)) }),
            // A gap in the middle: two runs, and a lone point at the end.
            UISeries(labels: Labels(["code": evil]), points: [UIPoint(t: Self.now - 3_600_000, v: 1), UIPoint(t: Self.now - 3_585_000, v: 2),
                                                              UIPoint(t: Self.now - 1_800_000, v: 3), UIPoint(t: Self.now - 1_785_000, v: 4),
                                                              UIPoint(t: Self.now, v: 5)]),
        ]
        let source = FakeDataSource {
            $0.now = Self.now
            $0.instant[expr] = .vector([UISample(labels: Labels(["code": "200", "job": "api"]), value: 0.25),
                                        UISample(labels: Labels(["code": evil]), value: 1e-7)])
            $0.ranges[expr] = series
        }
        let html = await get(WebUI(source: source), "/ui/query", "expr=\(FormData.encode(expr))&range=1h").body
        #expect(html.contains("<table id=\"result-table\">"))
        #expect(html.contains("{code=&quot;200&quot;, job=&quot;api&quot;}</td><td class=\"num\">0.25<"))
        #expect(html.contains("1e-07"))
        #expect(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(count("<path d=\"M", in: html) == 2)
        #expect(count("<circle ", in: html) == 1)
        // The second series has a gap: its path starts twice.
        let second = try #require(html.components(separatedBy: "<g class=\"series\">").last)
        let d = try #require(second.components(separatedBy: "d=\"").dropFirst().first?.prefix { $0 != "\"" })
        #expect(count("M", in: String(d)) == 2)
        #expect(count("L", in: String(d)) == 2)
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") && !html.contains("<script>"))
        // Range 1h, 240 points: step 15s, ending now.
        let call = try #require(source.state.withLock { $0.rangeCalls.first })
        #expect(call.0 == Self.now - 3_600_000 && call.1 == Self.now && call.2 == 15_000)
        #expect(html.contains("step 15s"))
        #expect(html.contains("<option value=\"1h\" selected>"))
    }

    @Test func endAndRangeParametersChooseTheWindow() async throws {
        let source = FakeDataSource {
            $0.instant["up"] = .scalar(1)
            $0.ranges["up"] = []
        }
        let ui = WebUI(source: source)
        let html = await get(ui, "/ui/query", "expr=up&range=1d&end=2026-11-29T00:00:00Z").body
        let call = try #require(source.state.withLock { $0.rangeCalls.first })
        #expect(call.1 == 1_795_910_400_000)
        #expect(call.0 == call.1 - 86_400_000)
        #expect(call.2 == 360_000)
        #expect(html.contains("No data points in this range."))
        let bad = await get(ui, "/ui/query", "expr=up&range=forever").body
        #expect(bad.contains("range: not a valid duration string: &quot;forever&quot;"))
    }

    @Test func executionErrorsAreShownWithoutPosition() async {
        let source = FakeDataSource { $0.instant["x[5m]"] = .matrix([UISeries(labels: Labels(["__name__": "x"]), points: [UIPoint(t: Self.now, v: 2)])]) }
        let html = await get(WebUI(source: source), "/ui/query", "expr=x%5B5m%5D").body
        #expect(html.contains("<td class=\"mono\">x</td>"))
        #expect(html.contains("Graph: invalid expression type &quot;range vector&quot; for range query"))
        #expect(!html.contains("id=\"parse-error\""))
    }

    @Test func graphTicks() {
        #expect(SVGGraph.niceTicks(0, 10) == [0, 2, 4, 6, 8, 10])
        let ticks = SVGGraph.niceTicks(0.13, 0.87)
        #expect(ticks.count == 6 && ticks.first == 0 && abs(ticks.last! - 1) < 1e-9)
        #expect(SVGGraph.timeTickInterval(3_600_000).0 == 600_000)
        #expect(SVGGraph.timeTickInterval(300_000).0 == 60_000)
    }
}
