import Model
import PromQL

extension Alert {
    /// `Alert.needsSending` (rules-spec §4.4): never while pending; once after a resolution;
    /// otherwise when `lastSentAt + resendDelay < ts` (a never-sent alert is due).
    public func needsSending(at ts: Int64, resendDelay: Int64) -> Bool {
        if state == .pending { return false }
        if let r = resolvedAt, r > (lastSentAt ?? .min) { return true }
        guard let last = lastSentAt else { return true }
        return last + resendDelay < ts
    }
}

extension AlertingRule {
    /// `AlertingRule.sendAlerts`: marks every alert that needs sending as sent at `ts`
    /// (`lastSentAt = ts`, `validUntil = ts + 4 × max(resendDelay, interval)`) and returns
    /// copies of them, sorted by labels.
    public mutating func alertsToSend(at ts: Int64, resendDelay: Int64, interval: Int64) -> [Alert] {
        var out: [Alert] = []
        for l in active.keys.sorted() {
            var a = active[l]!
            guard a.needsSending(at: ts, resendDelay: resendDelay) else { continue }
            a.lastSentAt = ts
            a.validUntil = ts + 4 * max(resendDelay, interval)
            active[l] = a
            out.append(a)
        }
        return out
    }

    /// `TableLinkForExpression` prefixed with the external URL (rules-spec §4.5).
    public func generatorURL(externalURL: String) -> String {
        externalURL + "/graph?g0.expr=" + GoURL.queryEscape(expr.description) + "&g0.tab=1"
    }
}

extension NotifierAlert {
    /// `rules.SendAlerts` plus the notifier's external-label step (rules-spec §4.5):
    /// external labels are added only for names the alert does not already have.
    public init(_ alert: Alert, externalLabels: [String: String], generatorURL: String) {
        var b = LabelsBuilder(alert.labels)
        for (k, v) in externalLabels where alert.labels[k] == nil { b.set(k, v) }
        self.init(labels: b.labels, annotations: alert.annotations,
                  startsAt: alert.firedAt ?? alert.activeAt,
                  endsAt: alert.resolvedAt ?? alert.validUntil ?? alert.activeAt,
                  generatorURL: generatorURL)
    }
}

/// Go's `net/url` escaping.
enum GoURL {
    /// `url.QueryEscape`: unreserved bytes kept, space as `+`, everything else `%XX`.
    static func queryEscape(_ s: String) -> String {
        let hex = Array("0123456789ABCDEF")
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(Character(UnicodeScalar(b)))
            case UInt8(ascii: " "): out += "+"
            default: out += "%"; out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 0xF)])
            }
        }
        return out
    }
}
