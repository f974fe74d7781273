import Alerting
import Model
import Rules

/// An `AlertSink` that hands the rule manager's alerts to the in-process Alertmanager
/// pipeline (`Dispatcher.receive`), as Prometheus' notifier POSTs them to `/api/v2/alerts`.
struct PipelineAlertSink: AlertSink {
    let dispatcher: Dispatcher
    /// Called with the validation errors of alerts the pipeline rejected.
    let onRejected: @Sendable ([AlertValidationError]) -> Void

    init(dispatcher: Dispatcher, onRejected: @escaping @Sendable ([AlertValidationError]) -> Void = { _ in }) {
        self.dispatcher = dispatcher
        self.onRejected = onRejected
    }

    static func postable(_ a: NotifierAlert) -> PostableAlert {
        var annotations: [String: String] = [:]
        for an in a.annotations { annotations[an.name] = an.value }
        return PostableAlert(labels: a.labels, annotations: annotations, startsAt: a.startsAt, endsAt: a.endsAt,
                             generatorURL: a.generatorURL)
    }

    func send(_ alerts: [NotifierAlert]) async {
        let errors = await dispatcher.receive(alerts.map(Self.postable))
        if !errors.isEmpty { onRejected(errors) }
    }
}

/// Hands every batch to each sink in turn (the pipeline, and the log when Klaxon runs on its
/// built-in Alertmanager config).
struct TeeAlertSink: AlertSink {
    let sinks: [any AlertSink]

    func send(_ alerts: [NotifierAlert]) async {
        for s in sinks { await s.send(alerts) }
    }
}
