import Model

extension AlertmanagerCore {
    /// One flush of a group (spec §4.3, §5, §6): snapshot, inhibition, time intervals, silences,
    /// then per integration the dedup decision against the notification log.
    mutating func flush(groupID: String, alerts: [Alert], now: Int64) -> [PipelineAction] {
        guard var group = groups[groupID], !alerts.isEmpty else { return [] }
        let opts = group.route.options
        let resolvedSnapshot = alerts.filter { $0.isResolved(at: now) }
        var actions: [PipelineAction] = []

        // Stages 2–5: inhibition, active intervals, mute intervals, silences.
        var passing = AlertOrder.sorted(alerts).filter { inhibitor.inhibitor(of: $0.labels, now: now) == nil }
        if !opts.activeTimeIntervals.isEmpty,
           !opts.activeTimeIntervals.contains(where: { intervals[$0]?.contains(now) ?? false }) {
            passing = []
        }
        if opts.muteTimeIntervals.contains(where: { intervals[$0]?.contains(now) ?? false }) {
            passing = []
        }
        passing = passing.filter { silences.silencedBy($0.labels, now: now).isEmpty }

        var pending = PendingFlush(groupID: groupID, groupSerial: group.serial, resolved: resolvedSnapshot, outstanding: [:])
        let flushID = nextSerial
        nextSerial += 1
        if !passing.isEmpty {
            let notified = passing.map { a -> NotifiedAlert in
                let resolved = a.isResolved(at: now)
                return NotifiedAlert(status: resolved ? .resolved : .firing, labels: a.labels, annotations: a.annotations,
                                     startsAt: a.startsAt, endsAt: resolved ? a.endsAt : nil,
                                     generatorURL: a.generatorURL, fingerprint: a.fingerprint)
            }
            var firing = Set<UInt64>(), resolved = Set<UInt64>()
            for n in notified {
                if n.status == .firing { firing.insert(n.labels.notificationLogHash) } else { resolved.insert(n.labels.notificationLogHash) }
            }
            for (index, integration) in (integrations[opts.receiver] ?? []).enumerated() {
                let key = NotificationLog.Key(groupKey: group.groupKey, receiver: opts.receiver, integration: integration.id)
                guard notificationLog.needsUpdate(key, firing: firing, resolved: resolved, sendResolved: integration.sendResolved,
                                                  repeatInterval: opts.repeatInterval, now: now) else { continue }
                let toSend = integration.sendResolved ? notified : notified.filter { $0.status == .firing }
                if toSend.isEmpty {
                    // §11.1: nothing is sent, but the "all resolved" state is recorded.
                    notificationLog.record(key, firing: firing, resolved: resolved, repeatInterval: opts.repeatInterval, now: now)
                    actions.append(.persistNotificationLog)
                    continue
                }
                let n = Notification(receiver: opts.receiver, integration: integration.id, groupKey: group.groupKey,
                                     groupLabels: group.groupLabels,
                                     status: toSend.contains { $0.status == .firing } ? .firing : .resolved,
                                     alerts: toSend, sendResolved: integration.sendResolved,
                                     groupInterval: opts.groupInterval, repeatInterval: opts.repeatInterval,
                                     timestamp: now, deadline: now + max(opts.groupInterval, Self.minFlushTimeout))
                pending.outstanding[index] = .init(key: key, firing: firing, resolved: resolved, repeatInterval: opts.repeatInterval)
                actions.append(.send(PendingDelivery(id: DeliveryID(flush: flushID, index: index), notification: n)))
            }
        }
        if pending.outstanding.isEmpty {
            // Nothing to deliver counts as success (§4.3 step 4).
            group.deleteIfNotModified(resolvedSnapshot)
        } else {
            group.inFlight = flushID
            flushes[flushID] = pending
        }
        groups[groupID] = group
        return actions
    }

    /// Reports the outcome of a delivery completed at `now`. A success is recorded in the
    /// notification log; when the flush's last delivery is in and all succeeded, the flushed
    /// resolved alerts leave the group. A failure leaves the group to retry at its next tick.
    public mutating func complete(_ id: DeliveryID, result: DeliveryResult, now: Int64) -> [PipelineAction] {
        guard var f = flushes[id.flush], let part = f.outstanding.removeValue(forKey: id.index) else { return [] }
        var actions: [PipelineAction] = []
        if result.isDelivered {
            notificationLog.record(part.key, firing: part.firing, resolved: part.resolved, repeatInterval: part.repeatInterval, now: now)
            actions.append(.persistNotificationLog)
        } else {
            f.failed = true
        }
        if f.outstanding.isEmpty {
            flushes[id.flush] = nil
            if var g = groups[f.groupID], g.serial == f.groupSerial {
                g.inFlight = nil
                if !f.failed { g.deleteIfNotModified(f.resolved) }
                groups[f.groupID] = g
            }
        } else {
            flushes[id.flush] = f
        }
        return actions + wakeupActions()
    }

    /// Deliveries still awaiting `complete`.
    public var outstandingDeliveries: Int { flushes.values.reduce(0) { $0 + $1.outstanding.count } }

    /// Drives the core with a simulated clock from its next deadline up to `end` (inclusive):
    /// ticks at every wakeup and delivers synchronously through `deliver`, completing at the tick
    /// time. This is what dry-run uses; returns the notifications in order with their tick time.
    public mutating func advance(to end: Int64,
                                 deliver: (Notification) -> DeliveryResult = { _ in .delivered }) -> [(at: Int64, notification: Notification)] {
        var sent: [(Int64, Notification)] = []
        while let t = nextDeadline, t <= end {
            for d in tick(now: t).deliveries {
                sent.append((t, d.notification))
                _ = complete(d.id, result: deliver(d.notification), now: t)
            }
        }
        return sent
    }
}
