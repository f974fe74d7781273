import Foundation
import Model

/// A line graph of range-query series as inline SVG: time on x (UTC ticks), value on y (nice
/// ticks), one path per series broken where steps are missing, and an HTML legend. The viewBox
/// scales with the page; point coordinates are rounded to 0.1 px to keep the markup small.
struct SVGGraph {
    var series: [UISeries]
    /// ms.
    var start: Int64
    var end: Int64
    var step: Int64
    var seriesLimit: Int

    static let width = 1000.0, height = 320.0
    static let left = 64.0, right = 16.0, top = 12.0, bottom = 30.0
    static let palette = ["#1f77b4", "#e5484d", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
                          "#bcbd22", "#7f7f7f"]

    func render(into h: inout HTML) {
        let drawn = Array(series.prefix(seriesLimit))
        let values = drawn.flatMap { $0.points.map(\.v) }.filter(\.isFinite)
        h.raw("<div class=\"graph\" id=\"graph\">")
        if drawn.isEmpty || values.isEmpty {
            h.raw("<p class=\"muted\">No data points in this range.</p></div>")
            return
        }
        var lo = values.min()!, hi = values.max()!
        if lo == hi {
            let pad = lo == 0 ? 1 : abs(lo) * 0.1
            lo -= pad
            hi += pad
        }
        let ticks = Self.niceTicks(lo, hi)
        lo = min(lo, ticks.first ?? lo)
        hi = max(hi, ticks.last ?? hi)
        let plotW = Self.width - Self.left - Self.right, plotH = Self.height - Self.top - Self.bottom
        let span = Double(max(end - start, 1))
        func x(_ t: Int64) -> Double { Self.left + Double(t - start) / span * plotW }
        func y(_ v: Double) -> Double { Self.top + (hi - v) / (hi - lo) * plotH }

        h.raw("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(Self.width)) \(Int(Self.height))\" role=\"img\" aria-label=\"query graph\" font-family=\"sans-serif\" font-size=\"11\">")
        h.raw("<rect x=\"\(f(Self.left))\" y=\"\(f(Self.top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"#fff\" stroke=\"#d8dee4\"/>")
        for v in ticks {
            let yy = f(y(v))
            h.raw("<line x1=\"\(f(Self.left))\" x2=\"\(f(Self.width - Self.right))\" y1=\"\(yy)\" y2=\"\(yy)\" stroke=\"#eaeef2\"/>")
            h.raw("<text x=\"\(f(Self.left - 6))\" y=\"\(yy)\" text-anchor=\"end\" dominant-baseline=\"middle\" fill=\"#57606a\">")
            h.text(UIFormat.axis(v))
            h.raw("</text>")
        }
        let (interval, withSeconds, withDate) = Self.timeTickInterval(end - start)
        var t = (start + interval - 1) / interval * interval
        while t <= end {
            let xx = f(x(t))
            h.raw("<line x1=\"\(xx)\" x2=\"\(xx)\" y1=\"\(f(Self.top))\" y2=\"\(f(Self.height - Self.bottom))\" stroke=\"#eaeef2\"/>")
            h.raw("<text x=\"\(xx)\" y=\"\(f(Self.height - Self.bottom + 16))\" text-anchor=\"middle\" fill=\"#57606a\">")
            h.text(UIFormat.clock(t, seconds: withSeconds, date: withDate))
            h.raw("</text>")
            t += interval
        }
        for (i, s) in drawn.enumerated() {
            let color = Self.palette[i % Self.palette.count]
            h.raw("<g class=\"series\"><title>")
            h.text(UIFormat.series(s.labels))
            h.raw("</title>")
            // Runs of consecutive steps; a gap longer than one and a half steps means the series
            // was absent there. A run of one point is drawn as a dot.
            var runs: [[(Double, Double)]] = [], lastT: Int64?
            for p in s.points {
                guard p.v.isFinite else {
                    lastT = nil
                    continue
                }
                if let lt = lastT, p.t - lt <= step + step / 2, !runs.isEmpty {
                    runs[runs.count - 1].append((x(p.t), y(p.v)))
                } else {
                    runs.append([(x(p.t), y(p.v))])
                }
                lastT = p.t
            }
            var d = ""
            for run in runs where run.count > 1 {
                for (j, (px, py)) in run.enumerated() { d += (j == 0 ? "M" : "L") + f(px) + " " + f(py) }
            }
            if !d.isEmpty {
                h.raw("<path d=\"\(d)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\" stroke-linejoin=\"round\"/>")
            }
            for run in runs where run.count == 1 {
                h.raw("<circle cx=\"\(f(run[0].0))\" cy=\"\(f(run[0].1))\" r=\"2\" fill=\"\(color)\"/>")
            }
            h.raw("</g>")
        }
        h.raw("</svg><ul class=\"legend\">")
        for (i, s) in drawn.enumerated() {
            h.raw("<li><span class=\"swatch\" style=\"background:\(Self.palette[i % Self.palette.count])\"></span>")
            h.text(UIFormat.series(s.labels))
            h.raw("</li>")
        }
        h.raw("</ul>")
        if series.count > drawn.count {
            h.raw("<p class=\"muted\">")
            h.text("Showing \(drawn.count) of \(series.count) series.")
            h.raw("</p>")
        }
        h.raw("</div>")
    }

    private func f(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    /// About five round values covering `lo...hi` (steps of 1, 2 or 5 × 10ⁿ).
    static func niceTicks(_ lo: Double, _ hi: Double) -> [Double] {
        let raw = (hi - lo) / 5
        guard raw > 0, raw.isFinite else { return [lo] }
        let mag = pow(10, floor(log10(raw)))
        let r = raw / mag
        let step = (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * mag
        var out: [Double] = []
        var k = floor(lo / step)
        while k * step <= hi + step * 1e-9, out.count < 20 {
            out.append(k * step)
            k += 1
        }
        if let last = out.last, last < hi { out.append(last + step) }
        return out
    }

    /// A tick interval giving at most about eight ticks over `range` ms, and how to label them.
    static func timeTickInterval(_ range: Int64) -> (Int64, Bool, Bool) {
        let s: Int64 = 1000, m = 60 * s, hr = 60 * m, d = 24 * hr
        for i in [s, 2 * s, 5 * s, 10 * s, 15 * s, 30 * s, m, 2 * m, 5 * m, 10 * m, 15 * m, 30 * m, hr, 2 * hr, 3 * hr,
                  6 * hr, 12 * hr, d, 2 * d, 7 * d] where range / i <= 8 {
            return (i, i < m, i >= d || range >= 2 * d)
        }
        return (30 * d, false, true)
    }
}
