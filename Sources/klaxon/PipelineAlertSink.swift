import Rules

/// Hands every batch to each sink in turn (the pipeline, external Alertmanagers, and the log when
/// Klaxon runs on its built-in Alertmanager config). `PipelineAlertSink` itself lives in `DryRun`,
/// so `run`, `dry-run` and `demo` feed the pipeline the same way.
struct TeeAlertSink: AlertSink {
    let sinks: [any AlertSink]

    func send(_ alerts: [NotifierAlert]) async {
        for s in sinks { await s.send(alerts) }
    }
}
