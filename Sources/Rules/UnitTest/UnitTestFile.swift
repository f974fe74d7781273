import Model

/// A promtool rule unit-test file (`cmd/promtool/unittest.go`: `unitTestFile`).
public struct UnitTestFile: Sendable {
    public var ruleFiles: [String] = []
    /// ms; 0 = not given (the runner applies the 1m default).
    public var evaluationInterval: Int64 = 0
    public var groupEvalOrder: [String] = []
    public var tests: [TestGroup] = []
}

/// One entry of `tests:`.
public struct TestGroup: Sendable {
    public var name: String = ""
    /// Sample spacing and default rule-group interval, in ms.
    /// Deliberately promtool 2.42: no default, an omitted `interval` is 0s (2.49+ uses evaluation_interval).
    public var interval: Int64 = 0
    public var inputSeries: [InputSeries] = []
    public var alertRuleTests: [AlertTestCase] = []
    public var promqlExprTests: [PromQLTestCase] = []
    public var externalLabels: [String: String] = [:]
    public var externalURL: String = ""
}

public struct InputSeries: Sendable, Equatable {
    public var series: String = ""
    public var values: String = ""
}

public struct AlertTestCase: Sendable {
    public var evalTime: Int64 = 0
    public var alertname: String = ""
    public var expAlerts: [ExpectedAlert] = []
}

public struct ExpectedAlert: Sendable {
    public var expLabels: [String: String] = [:]
    public var expAnnotations: [String: String] = [:]
}

public struct PromQLTestCase: Sendable {
    public var expr: String = ""
    public var evalTime: Int64 = 0
    public var expSamples: [ExpectedSample] = []
}

public struct ExpectedSample: Sendable {
    public var labels: String = ""
    public var value: Double = 0
}
