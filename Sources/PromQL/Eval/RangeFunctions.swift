import Foundation
import Model

/// Functions over one series' window. Each returns nil when the series yields no output.
enum RangeFunctions {
    struct Context {
        var evalTime: Int64
        var rangeStart: Int64
        var rangeEnd: Int64
        var range: Int64
        var scalar: Double
    }

    static let names: Set<String> = [
        "rate", "increase", "delta", "irate", "idelta", "changes", "resets", "deriv", "predict_linear",
        "avg_over_time", "sum_over_time", "count_over_time", "present_over_time", "last_over_time",
        "min_over_time", "max_over_time", "quantile_over_time", "stddev_over_time", "stdvar_over_time",
        "absent_over_time",
    ]

    /// The functions, resolved once per call node rather than per series.
    enum Kind: String {
        case rate, increase, delta, irate, idelta, changes, resets, deriv
        case predictLinear = "predict_linear"
        case avgOverTime = "avg_over_time", sumOverTime = "sum_over_time", countOverTime = "count_over_time"
        case presentOverTime = "present_over_time", lastOverTime = "last_over_time"
        case minOverTime = "min_over_time", maxOverTime = "max_over_time", quantileOverTime = "quantile_over_time"
        case stddevOverTime = "stddev_over_time", stdvarOverTime = "stdvar_over_time", absentOverTime = "absent_over_time"
    }

    /// Evaluates the function over one window; nil means no output for the series.
    @inline(__always)
    static func apply(_ kind: Kind, _ ts: UnsafeBufferPointer<Int64>, _ vs: UnsafeBufferPointer<Double>, _ c: Context) -> Double? {
        switch kind {
        case .rate: return extrapolatedRate(ts, vs, c, isCounter: true, isRate: true)
        case .increase: return extrapolatedRate(ts, vs, c, isCounter: true, isRate: false)
        case .delta: return extrapolatedRate(ts, vs, c, isCounter: false, isRate: false)
        case .irate: return instantValue(ts, vs, isRate: true)
        case .idelta: return instantValue(ts, vs, isRate: false)
        case .changes:
            var n = 0.0
            var prev = vs.first!
            for v in vs.dropFirst() {
                if v != prev && !(v.isNaN && prev.isNaN) { n += 1 }
                prev = v
            }
            return n
        case .resets:
            var n = 0.0
            var prev = vs.first!
            for v in vs.dropFirst() {
                if v < prev { n += 1 }
                prev = v
            }
            return n
        case .deriv:
            guard ts.count >= 2 else { return nil }
            return linearRegression(ts, vs, interceptTime: ts.first!).slope
        case .predictLinear:
            guard ts.count >= 2 else { return nil }
            let (slope, intercept) = linearRegression(ts, vs, interceptTime: c.evalTime)
            return slope * c.scalar + intercept
        case .avgOverTime:
            var mean = 0.0, comp = 0.0, count = 0.0
            for v in vs {
                count += 1
                if mean.isInfinite {
                    if v.isInfinite && (mean > 0) == (v > 0) { continue }
                    if !v.isInfinite && !v.isNaN { continue }
                }
                (mean, comp) = kahanSumInc(v / count - mean / count, mean, comp)
            }
            return mean.isInfinite ? mean : mean + comp
        case .sumOverTime:
            var sum = 0.0, comp = 0.0
            for v in vs { (sum, comp) = kahanSumInc(v, sum, comp) }
            return sum.isInfinite ? sum : sum + comp
        case .countOverTime: return Double(vs.count)
        case .presentOverTime: return 1
        case .lastOverTime: return vs.last!
        case .minOverTime:
            var m = vs.first!
            for v in vs.dropFirst() where v < m || m.isNaN { m = v }
            return m
        case .maxOverTime:
            var m = vs.first!
            for v in vs.dropFirst() where v > m || m.isNaN { m = v }
            return m
        case .quantileOverTime: return Quantile.of(c.scalar, Array(vs))
        case .stddevOverTime: return variance(vs).squareRoot()
        case .stdvarOverTime: return variance(vs)
        case .absentOverTime: return nil
        }
    }

    /// Prometheus 2.42's `extrapolatedRate`: the zero-point clamp comes before the threshold test.
    static func extrapolatedRate(_ ts: UnsafeBufferPointer<Int64>, _ vs: UnsafeBufferPointer<Double>, _ c: Context,
                                 isCounter: Bool, isRate: Bool) -> Double? {
        let n = ts.count
        if n < 2 { return nil }
        let firstT = ts[ts.startIndex], lastT = ts[ts.endIndex - 1]
        let firstV = vs[vs.startIndex], lastV = vs[vs.endIndex - 1]
        var result = lastV - firstV
        if isCounter {
            var prev = firstV
            for v in vs.dropFirst() {
                if v < prev { result += prev }
                prev = v
            }
        }
        var durationToStart = Double(firstT - c.rangeStart) / 1000
        let durationToEnd = Double(c.rangeEnd - lastT) / 1000
        let sampledInterval = Double(lastT - firstT) / 1000
        let averageDurationBetweenSamples = sampledInterval / Double(n - 1)
        if isCounter && result > 0 && firstV >= 0 {
            let durationToZero = sampledInterval * (firstV / result)
            if durationToZero < durationToStart { durationToStart = durationToZero }
        }
        let threshold = averageDurationBetweenSamples * 1.1
        var extrapolateToInterval = sampledInterval
        extrapolateToInterval += durationToStart < threshold ? durationToStart : averageDurationBetweenSamples / 2
        extrapolateToInterval += durationToEnd < threshold ? durationToEnd : averageDurationBetweenSamples / 2
        var factor = extrapolateToInterval / sampledInterval
        if isRate { factor /= Double(c.range) / 1000 }
        return result * factor
    }

    static func instantValue(_ ts: UnsafeBufferPointer<Int64>, _ vs: UnsafeBufferPointer<Double>, isRate: Bool) -> Double? {
        if ts.count < 2 { return nil }
        let lastT = ts[ts.endIndex - 1], prevT = ts[ts.endIndex - 2]
        let last = vs[vs.endIndex - 1], prev = vs[vs.endIndex - 2]
        var result: Double
        if isRate && last < prev { result = last } else { result = last - prev }
        let interval = lastT - prevT
        if interval == 0 { return nil }
        if isRate { result /= Double(interval) / 1000 }
        return result
    }

    static func kahanSumInc(_ inc: Double, _ sum: Double, _ c: Double) -> (Double, Double) {
        let t = sum + inc
        var c = c
        if Swift.abs(sum) >= Swift.abs(inc) { c += (sum - t) + inc } else { c += (inc - t) + sum }
        return (t, c)
    }

    static func variance(_ vs: UnsafeBufferPointer<Double>) -> Double {
        var count = 0.0, mean = 0.0, cMean = 0.0, aux = 0.0, cAux = 0.0
        for v in vs {
            count += 1
            let delta = v - (mean + cMean)
            (mean, cMean) = kahanSumInc(delta / count, mean, cMean)
            (aux, cAux) = kahanSumInc(delta * (v - (mean + cMean)), aux, cAux)
        }
        return (aux + cAux) / count
    }

    /// Least squares with Kahan-Neumaier sums; x in seconds relative to `interceptTime`.
    static func linearRegression(_ ts: UnsafeBufferPointer<Int64>, _ vs: UnsafeBufferPointer<Double>, interceptTime: Int64) -> (slope: Double, intercept: Double) {
        var n = 0.0, sumX = 0.0, cX = 0.0, sumY = 0.0, cY = 0.0, sumXY = 0.0, cXY = 0.0, sumX2 = 0.0, cX2 = 0.0
        let initY = vs.first!
        var constY = true
        for (t, v) in zip(ts, vs) {
            if constY && n > 0 && v != initY { constY = false }
            n += 1
            let x = Double(t - interceptTime) / 1000
            (sumX, cX) = kahanSumInc(x, sumX, cX)
            (sumY, cY) = kahanSumInc(v, sumY, cY)
            (sumXY, cXY) = kahanSumInc(x * v, sumXY, cXY)
            (sumX2, cX2) = kahanSumInc(x * x, sumX2, cX2)
        }
        if constY {
            if initY.isInfinite { return (.nan, .nan) }
            return (0, initY)
        }
        sumX += cX; sumY += cY; sumXY += cXY; sumX2 += cX2
        let covXY = sumXY - sumX * sumY / n
        let varX = sumX2 - sumX * sumX / n
        let slope = covXY / varX
        let intercept = sumY / n - slope * sumX / n
        return (slope, intercept)
    }
}
