import Testing
@testable import Rules

@Suite struct RuleFileTests {
    func errors(_ yaml: String) -> [String] {
        switch RuleFileLoader.parse(yaml) {
        case .success: return []
        case .failure(let e): return e.errors.map(\.description)
        }
    }

    @Test func validFileDecodes() throws {
        let f = try RuleFileLoader.parse("""
        groups:
          - name: g
            interval: 30s
            limit: 5
            rules:
              - record: a:b
                expr: sum(up)
                labels: {x: y}
              - alert: A
                expr: up == 0
                for: 5m
                keep_firing_for: 1m
                annotations: {s: "{{ $value }}"}
        """).get()
        #expect(f.groups[0].interval == 30_000 && f.groups[0].limit == 5)
        #expect(f.groups[0].rules[1].holdDuration == 300_000 && f.groups[0].rules[1].keepFiringFor == 60_000)
        #expect(f.groups[0].rules[0].labels == ["x": "y"])
    }

    @Test func emptyFileIsValid() {
        #expect(errors("") == [])
    }

    /// Messages and positions as `promtool check rules` prints them (oracle, see rules-spec §1.4).
    @Test(arguments: [
        ("groups:\n- name: g\n  rules:\n  - record: a{b=\"c\"}\n    expr: sum(up\n",
         ["5:11: group \"g\", rule 1, \"a{b=\\\"c\\\"}\": could not parse expression: 1:7: parse error: unclosed left parenthesis",
          "4:13: group \"g\", rule 1, \"a{b=\\\"c\\\"}\": invalid recording rule name: a{b=\"c\"}"]),
        ("groups:\n- name: g\n  rules:\n  - expr: up\n",
         ["0:0: group \"g\", rule 1, \"\": one of 'record' or 'alert' must be set"]),
        ("groups:\n- name: g\n  rules:\n  - record: r\n    alert: A\n    expr: up\n    for: 1m\n",
         ["4:13: 5:12: group \"g\", rule 1, \"A\": only one of 'record' and 'alert' must be set",
          "4:13: group \"g\", rule 1, \"A\": invalid field 'for' in recording rule"]),
        ("groups:\n- name: g\n  rules:\n  - alert: B\n    expr: up\n    annotations: {s: \"{{ $value \"}\n",
         ["group \"g\", rule 1, \"B\": annotation \"s\": template: __alert_B:1: unclosed action"]),
        ("groups:\n- name: g\n  rules: []\n- name: g\n  rules: []\n-   interval: 1m\n",
         ["4:3: groupname: \"g\" is repeated in the same file", "6:5: Groupname must not be empty"]),
        ("groups:\n- name: g\n  query_offset: 1m\n", ["yaml: unmarshal errors:\n  line 3: field query_offset not found in type rulefmt.RuleGroup"]),
        ("groups:\n- name: g\n  limit: abc\n", ["yaml: unmarshal errors:\n  line 3: cannot unmarshal !!str `abc` into int"]),
    ])
    func validationErrors(_ yaml: String, _ expected: [String]) {
        #expect(errors(yaml) == expected)
    }
}
