import Alerting
import Model
import Rules

/// An `AlertSink` that hands the rule manager's alerts to the in-process Alertmanager
/// pipeline (`Dispatcher.receive`), as Prometheus' notifier POSTs them to `/api/v2/alerts`.
///
/// `klaxon run`, `dry-run` and `demo` all use this one.
public struct PipelineAlertSink: AlertSink {
    public let dispatcher: Dispatcher
    /// Called with the validation errors of alerts the pipeline rejected.
    public let onRejected: @Sendable ([AlertValidationError]) -> Void

    public init(dispatcher: Dispatcher, onRejected: @escaping @Sendable ([AlertValidationError]) -> Void = { _ in }) {
        self.dispatcher = dispatcher
        self.onRejected = onRejected
    }

    /// The `PostableAlert` Prometheus would POST for `a`.
    public static func postable(_ a: NotifierAlert) -> PostableAlert {
        var annotations: [String: String] = [:]
        for an in a.annotations { annotations[an.name] = an.value }
        return PostableAlert(labels: a.labels, annotations: annotations, startsAt: a.startsAt, endsAt: a.endsAt,
                             generatorURL: a.generatorURL)
    }

    public func send(_ alerts: [NotifierAlert]) async {
        let errors = await dispatcher.receive(alerts.map(Self.postable))
        if !errors.isEmpty { onRejected(errors) }
    }
}

/// Drops alerts: the sink of a pipeline without an Alertmanager config.
public struct DiscardingAlertSink: AlertSink {
    public init() {}
    public func send(_ alerts: [NotifierAlert]) async {}
}
