import Alerting
import Testing

@Suite struct RoutingTests {
    static let yaml = """
        route:
          receiver: web
          group_by: [alertname]
          group_wait: 10s
          routes:
            - matchers: ['team="multi"']
              continue: true
              receiver: pd
              group_by: ['...']
            - matchers: ['team="multi"']
              receiver: slack
              repeat_interval: 1h
              routes:
                - match_re: {env: 'prod|stage'}
                  group_by: [env]
                  mute_time_intervals: [nights]
            - match: {team: pd}
              receiver: pd
        time_intervals:
          - name: nights
            time_intervals: [{times: [{start_time: '00:00', end_time: '06:00'}]}]
        receivers: [{name: web}, {name: pd}, {name: slack}]
        """

    @Test func depthFirstWithContinueAndDefault() throws {
        let root = Route(root: try AlertmanagerConfig.parse(Self.yaml).route)
        #expect(RoutesCommand.receivers(root, ["team": "multi"]) == ["pd", "slack"])
        #expect(RoutesCommand.receivers(root, ["team": "multi", "env": "prod"]) == ["pd", "slack"])
        #expect(RoutesCommand.receivers(root, ["team": "pd"]) == ["pd"])
        #expect(RoutesCommand.receivers(root, ["team": "other"]) == ["web"])
        #expect(RoutesCommand.receivers(root, [:]) == ["web"])
    }

    @Test func optionsAreInheritedExceptTimeIntervals() throws {
        let root = Route(root: try AlertmanagerConfig.parse(Self.yaml).route)
        #expect(root.options.groupWait == 10_000 && root.options.groupInterval == 300_000 && root.options.repeatInterval == 14_400_000)
        let pd = root.routes[0], slack = root.routes[1], env = slack.routes[0]
        #expect(pd.options.groupByAll && pd.options.groupWait == 10_000)
        #expect(slack.options.groupBy == ["alertname"] && slack.options.repeatInterval == 3_600_000)
        #expect(env.options.receiver == "slack" && env.options.groupBy == ["env"] && !env.options.groupByAll)
        #expect(env.options.repeatInterval == 3_600_000 && env.options.muteTimeIntervals == ["nights"])
        #expect(slack.options.muteTimeIntervals.isEmpty)
    }

    @Test func keysAndGroupKeys() throws {
        let root = Route(root: try AlertmanagerConfig.parse(Self.yaml).route)
        #expect(root.key == "{}")
        #expect(root.routes[0].key == #"{}/{team="multi"}"#)
        #expect(root.routes[1].key == root.routes[0].key, "identical sibling matchers give identical keys")
        #expect(root.routes[0].id == #"{}/{team="multi"}/0"# && root.routes[1].id == #"{}/{team="multi"}/1"#)
        #expect(root.routes[1].routes[0].key == #"{}/{team="multi"}/{env=~"^(?:prod|stage)$"}"#)
        let alert = ["alertname": "HighLoad", "team": "pd", "instance": "h1"]
        #expect(root.groupKey(alert) == #"{}:{alertname="HighLoad"}"#)
        #expect(root.routes[0].groupKey(alert) == #"{}/{team="multi"}:{alertname="HighLoad", instance="h1", team="pd"}"#)
        let noGrouping = Route(root: try AlertmanagerConfig.parse("route: {receiver: a}\nreceivers: [{name: a}]").route)
        #expect(noGrouping.groupKey(alert) == "{}:{}")
    }

    @Test func labelArguments() throws {
        #expect(try RoutesCommand.parseLabels(["a=b", "c=\"d e\"", "a=x"]).get() == ["a": "x", "c": "d e"])
        #expect(try RoutesCommand.parseLabels(["a=b,c=d"]).get() == ["a": "b,c=d"])
        if case .failure(let e) = RoutesCommand.parseLabels(["a=~b"]) {
            #expect(e.message == "labels must be specified as key=value pairs")
        } else { Issue.record("a=~b accepted") }
        if case .failure(let e) = RoutesCommand.parseLabels(["team"]) {
            #expect(e.message == "bad matcher format: team")
        } else { Issue.record("team accepted") }
    }
}
