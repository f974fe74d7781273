import Logging
import Model
import Rules

/// An `AlertSink` that logs each alert as one line on standard error, in the `--log.format`
/// of the other log lines (logfmt or JSON). Used when no Alertmanager config names receivers.
public struct LoggingAlertSink: AlertSink {
    let format: KlaxonLogHandler.Format
    let write: @Sendable (String) -> Void

    /// - Parameter write: receives each finished line (without newline); default: stderr.
    public init(format: KlaxonLogHandler.Format = .logfmt, write: @escaping @Sendable (String) -> Void = { LogOutput.writeLine($0) }) {
        self.format = format
        self.write = write
    }

    public func send(_ alerts: [NotifierAlert]) async {
        for a in alerts { write(Self.line(a, format: format)) }
    }

    /// `level=info component=alerts msg="alert" alertname=… labels="{…}" startsAt=… endsAt=…`,
    /// or the same fields as a JSON object.
    public static func line(_ a: NotifierAlert, format: KlaxonLogHandler.Format = .logfmt) -> String {
        var fields: [(String, String)] = [("level", "info"), ("component", "alerts"), ("msg", "alert"),
                                          ("alertname", a.labels.get("alertname")),
                                          ("labels", a.labels.description)]
        for an in a.annotations { fields.append(("annotation_" + an.name, an.value)) }
        fields += [("startsAt", APIFormat.rfc3339(a.startsAt)), ("endsAt", APIFormat.rfc3339(a.endsAt)),
                   ("generatorURL", a.generatorURL)]
        return format.line(fields)
    }
}
