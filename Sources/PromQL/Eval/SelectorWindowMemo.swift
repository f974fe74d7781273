import Model
import Synchronization

/// Selector reads kept from one evaluation to the next, so that the next one reads only the
/// samples after them.
///
/// A rule evaluated every 15 s over `x[5m]` reads 20 samples per series of which 19 it read
/// the time before. A read is kept with the store's append mark taken before it; the next
/// evaluation reuses it if nothing at or before its newest time was appended since that mark
/// (`Queryable.oldestAppend(since:)`; a scrape appends "now") and the store deleted nothing
/// (the settled horizon's epoch). It then drops the kept samples that fell out of the window
/// and asks the store only for those after the kept window: the same series and samples a
/// full read returns. The owner (a rule group) calls `sweep()` after each evaluation, which
/// drops the reads that evaluation did not make, so the memo holds at most one evaluation's
/// reads, and at most `capacity` samples.
public final class SelectorWindowMemo: Sendable {
    /// A selector's matchers and the window's place: its end before the evaluation time (a
    /// selector read now and a day ago has two windows) and its length (`x[5m]` and `x[1h]`
    /// in one group are kept apart).
    struct Key: Hashable {
        var matchers: [LabelMatcher]
        var offset: Int64
        var span: Int64
    }

    struct Entry {
        var mint: Int64
        var maxt: Int64
        /// Sorted by labels, as the store returned them.
        var columns: SeriesColumns
        /// The store's mark taken before the read.
        var mark: UInt64
        var epoch: UInt64
        var samples: Int
        var used: Bool
    }

    struct State {
        var entries: [Key: Entry] = [:]
        var samples = 0
        var hits = 0
        var reads = 0
    }

    private let state = Mutex(State())
    /// Samples held at most; past it, reads are not kept.
    public let capacity: Int

    public init(capacity: Int = 2_000_000) {
        self.capacity = capacity
    }

    /// Reads answered from a kept read plus the samples after it, and reads in all.
    public var hits: Int { state.withLock { $0.hits } }
    public var reads: Int { state.withLock { $0.reads } }
    /// Samples held.
    public var samples: Int { state.withLock { $0.samples } }

    /// The series matching `key.matchers` with their samples in `mint...maxt`, as
    /// `select(mint, maxt)` returns them, from a kept read where the store shows it unchanged.
    ///
    /// `mark` and `epoch` are the store's, taken before the query made any read (one mark per
    /// query, not per selector: the store's log of marks is shared by every group).
    func read(_ key: Key, mint: Int64, maxt: Int64, store: any Queryable, mark: UInt64, epoch: UInt64,
              select: (Int64, Int64) throws -> SeriesColumns) throws -> SeriesColumns {
        let kept = state.withLock { s -> Entry? in
            s.reads += 1
            return s.entries.removeValue(forKey: key).map { e in
                s.samples -= e.samples
                return e
            }
        }
        var columns: SeriesColumns
        // The kept samples stay valid up to just before the oldest one appended since the
        // read: the rule outputs written at the last evaluation's time leave all older ones.
        if let e = kept, e.epoch == epoch, e.mint <= mint,
           let oldest = store.oldestAppend(since: e.mark),
           case let until = min(e.maxt, oldest == .min ? .min : oldest - 1), until >= mint &- 1, until < maxt {
            columns = Self.slide(e.columns, from: mint, until: until, adding: try select(until + 1, maxt))
            state.withLock { $0.hits += 1 }
        } else {
            columns = try select(mint, maxt)
        }
        let n = columns.sampleCount
        state.withLock { s in
            guard s.samples + n <= capacity else { return }
            s.entries[key] = Entry(mint: mint, maxt: maxt, columns: columns, mark: mark, epoch: epoch, samples: n, used: true)
            s.samples += n
        }
        return columns
    }

    /// Drops the reads not made since the last sweep.
    public func sweep() {
        state.withLock { s in
            s.entries = s.entries.filter { $0.value.used }
            s.samples = s.entries.values.reduce(0) { $0 + $1.samples }
            for k in s.entries.keys { s.entries[k]!.used = false }
        }
    }

    /// `kept`'s samples in `mint...until`, joined with `later` (the samples after `until`);
    /// both sorted by labels. A series left without samples is dropped, as a store drops one
    /// without samples in the window.
    static func slide(_ kept: SeriesColumns, from mint: Int64, until: Int64, adding later: SeriesColumns) -> SeriesColumns {
        var out = SeriesColumns()
        out.timestamps.reserveCapacity(kept.sampleCount + later.sampleCount)
        out.values.reserveCapacity(kept.sampleCount + later.sampleCount)
        out.ends.reserveCapacity(Swift.max(kept.count, later.count))
        // Usually the very same series in the same order: their label array is kept as it is.
        let same = kept.labels.withUnsafeBufferPointer { a in
            later.labels.withUnsafeBufferPointer { b in
                a.count == b.count && zip(a.indices, b.indices).allSatisfy { a[$0].isIdentical(to: b[$1]) }
            }
        }
        var emptied = false
        kept.timestamps.withUnsafeBufferPointer { kt in
            kept.values.withUnsafeBufferPointer { kv in
                later.timestamps.withUnsafeBufferPointer { lt in
                    later.values.withUnsafeBufferPointer { lv in
                        func take(_ t: UnsafeBufferPointer<Int64>, _ v: UnsafeBufferPointer<Double>, _ r: Range<Int>) {
                            out.timestamps.append(contentsOf: UnsafeBufferPointer(rebasing: t[r]))
                            out.values.append(contentsOf: UnsafeBufferPointer(rebasing: v[r]))
                        }
                        func keptPart(_ i: Int) -> Range<Int> {
                            let r = kept.range(i)
                            var k = r.lowerBound, end = r.upperBound
                            while k < end && kt[k] < mint { k += 1 }
                            while end > k && kt[end - 1] > until { end -= 1 }
                            return k..<end
                        }
                        if same {
                            for i in 0..<kept.count {
                                take(kt, kv, keptPart(i))
                                take(lt, lv, later.range(i))
                                if out.timestamps.count == (out.ends.last ?? 0) { emptied = true }
                                out.ends.append(out.timestamps.count)
                            }
                            return
                        }
                        var i = 0, j = 0
                        while i < kept.count || j < later.count {
                            let both = i < kept.count && j < later.count
                                && (kept.labels[i].isIdentical(to: later.labels[j]) || kept.labels[i] == later.labels[j])
                            if both || (i < kept.count && (j == later.count || kept.labels[i] < later.labels[j])) {
                                take(kt, kv, keptPart(i))
                                if both { take(lt, lv, later.range(j)); j += 1 }
                                out.closeSeries(kept.labels[i])
                                i += 1
                            } else {
                                take(lt, lv, later.range(j))
                                out.closeSeries(later.labels[j])
                                j += 1
                            }
                        }
                    }
                }
            }
        }
        if same {
            out.labels = kept.labels
            if emptied {
                // Drop the series whose samples all fell out of the window.
                var labels: [Labels] = [], ends: [Int] = []
                var previous = 0
                for i in out.ends.indices where out.ends[i] > previous {
                    labels.append(out.labels[i])
                    ends.append(out.ends[i])
                    previous = out.ends[i]
                }
                out.labels = labels
                out.ends = ends
            }
        }
        return out
    }
}
