import Model

/// Passes appends through to `base` and adds every committed sample to `recording`
/// (`klaxon demo --record`): what the scrapes stored, with the target's labels.
public final class RecordingAppendable: Appendable, Sendable {
    let base: any Appendable
    public let recording: OpenMetricsRecording

    public init(_ base: any Appendable, recording: OpenMetricsRecording) {
        self.base = base
        self.recording = recording
    }

    public func makeAppender() -> any Appender { RecordingAppender(base: base.makeAppender(), recording: recording) }

    final class RecordingAppender: Appender {
        let base: any Appender
        let recording: OpenMetricsRecording
        /// Samples the base accepted, kept until commit.
        var pending: [(Labels, Int64, Double)] = []

        init(base: any Appender, recording: OpenMetricsRecording) {
            self.base = base
            self.recording = recording
        }

        func append(_ labels: Labels, _ t: Int64, _ v: Double) throws {
            try base.append(labels, t, v)
            pending.append((labels, t, v))
        }

        func commit() throws {
            try base.commit()
            for (l, t, v) in pending { recording.add(l, t: t, v: v) }
            pending = []
        }

        func rollback() {
            base.rollback()
            pending = []
        }
    }
}
