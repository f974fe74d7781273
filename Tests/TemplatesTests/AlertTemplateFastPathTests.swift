import Testing
@testable import Templates

/// Texts without an action are returned as they are, without parsing; the rest still expand.
@Suite struct AlertTemplateFastPathTests {
    let t = AlertTemplate(alertName: "A", labels: ["x": "1"], value: 2.5, externalLabels: [:], externalURL: "",
                          query: { _ in [] })

    @Test func textsWithoutActionsAreThemselves() {
        #expect(!AlertTemplate.hasAction("https://runbooks.example/a?b={c}"))
        #expect(t.expand("https://runbooks.example/a?b={c}") == "https://runbooks.example/a?b={c}")
        #expect(t.expand("") == "")
    }

    @Test func actionsStillExpand() {
        #expect(AlertTemplate.hasAction("x {{ $value }}"))
        #expect(t.expand("x={{ $labels.x }} v={{ $value }}") == "x=1 v=2.5")
        #expect(t.expand("{{ end }}").hasPrefix("<error expanding template"))
    }
}
