import Logging
import Model
import Rules

/// An `AlertSink` that logs each alert as one logfmt line on standard error, until the
/// Alertmanager pipeline is wired in. Swap it for any other `AlertSink`.
public struct LoggingAlertSink: AlertSink {
    let write: @Sendable (String) -> Void

    /// - Parameter write: receives each finished line (without newline); default: stderr.
    public init(write: @escaping @Sendable (String) -> Void = { LogOutput.writeLine($0) }) {
        self.write = write
    }

    public func send(_ alerts: [NotifierAlert]) async {
        for a in alerts { write(Self.line(a)) }
    }

    /// `level=info component=alerts msg="alert" alertname=… labels="{…}" startsAt=… endsAt=…`.
    public static func line(_ a: NotifierAlert) -> String {
        var fields: [(String, String)] = [("level", "info"), ("component", "alerts"), ("msg", "alert"),
                                          ("alertname", a.labels.get("alertname")),
                                          ("labels", a.labels.description)]
        for an in a.annotations { fields.append(("annotation_" + an.name, an.value)) }
        fields += [("startsAt", APIFormat.rfc3339(a.startsAt)), ("endsAt", APIFormat.rfc3339(a.endsAt)),
                   ("generatorURL", a.generatorURL)]
        return Logfmt.format(fields)
    }
}
