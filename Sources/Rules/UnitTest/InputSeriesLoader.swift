import Model
import PromQL

/// promtool's `load <interval>` block built from `input_series`, appended lazily.
struct InputSeriesLoader {
    struct Point { var labels: Labels; var t: Int64; var v: Double }

    /// Pending samples sorted by time.
    private var pending: [Point] = []
    private var next = 0

    /// Parses each `<series> <values>` line as promtool does (the two fields are simply
    /// concatenated, so a value typed into `series` counts). Errors read `1:<col>: parse error: ...`.
    init(series: [InputSeries], interval: Int64) throws(ParseError) {
        var points: [Point] = []
        for s in series {
            let line = s.series + " " + s.values
            let (metric, valuesOffset) = Self.split(line)
            let labels: Labels
            do { labels = try SeriesNotation.parseLabels(metric) } catch {
                throw Self.shifted(error, by: 0, in: line)
            }
            let slots: [Double?]
            do { slots = try SeriesNotation.expand(String(decoding: Array(line.utf8)[valuesOffset...], as: UTF8.self)) } catch {
                throw Self.shifted(error, by: valuesOffset, in: line)
            }
            // With interval 0 every slot lands at t=0 and the head keeps only the first sample.
            var seen: Set<Int64> = []
            for (k, slot) in slots.enumerated() {
                guard let v = slot else { continue }
                let t = Int64(k) * interval
                if seen.insert(t).inserted { points.append(Point(labels: labels, t: t, v: v)) }
            }
        }
        pending = points.enumerated().sorted { ($0.element.t, $0.offset) < ($1.element.t, $1.offset) }.map(\.element)
    }

    static func shifted(_ e: ParseError, by offset: Int, in line: String) -> ParseError {
        var p = e.position
        p.start += offset
        p.end += offset
        return ParseError(position: p, message: e.message, query: line)
    }

    /// The metric part (up to the closing brace or first space outside braces) and the byte offset of the values.
    static func split(_ line: String) -> (String, Int) {
        let c = Array(line.utf8)
        var i = 0, depth = 0
        var quote: UInt8? = nil
        while i < c.count {
            let ch = c[i]
            if let q = quote {
                if ch == UInt8(ascii: "\\") { i += 2; continue }
                if ch == q { quote = nil }
            } else if ch == UInt8(ascii: "\"") || ch == UInt8(ascii: "'") || ch == UInt8(ascii: "`") {
                quote = ch
            } else if ch == UInt8(ascii: "{") {
                depth += 1
            } else if ch == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0 { i += 1; break }
            } else if (ch == 32 || ch == 9) && depth == 0 {
                break
            }
            i += 1
        }
        // Unclosed braces: let the label parser see the whole line and report where it breaks.
        if depth > 0 { return (line, c.count) }
        return (String(decoding: c[..<i], as: UTF8.self), i)
    }

    /// Appends every pending sample with t ≤ ts.
    mutating func appendTill(_ ts: Int64, to store: MemoryStore) {
        while next < pending.count, pending[next].t <= ts {
            store.add(pending[next].labels, pending[next].t, pending[next].v)
            next += 1
        }
    }
}
