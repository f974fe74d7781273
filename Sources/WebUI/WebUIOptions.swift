/// Limits that keep every page small however many alerts, targets or series there are.
public struct WebUIOptions: Sendable {
    /// Alert groups (rules) per page of the Alerts overview.
    public var groupsPerPage = 25
    /// Alerts shown under each rule on the overview; the rest are one click away.
    public var alertsPerGroup = 10
    /// Alerts per page when one rule is selected.
    public var alertsPerPage = 100
    /// Target rows per page.
    public var targetsPerPage = 200
    /// Deliveries shown per receiver.
    public var deliveriesPerReceiver = 50
    /// Expired silences shown (most recently ended first).
    public var expiredSilencesShown = 50
    /// Rows of the query table.
    public var tableRowLimit = 200
    /// Series drawn in the query graph.
    public var graphSeriesLimit = 30
    /// Points per series a range query asks for (the step is range / this).
    public var graphResolution: Int64 = 240

    public init() {}
}
