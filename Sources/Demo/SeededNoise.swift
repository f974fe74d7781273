// Deterministic noise: the same (seed, key, step) always gives the same number, so a page is a
// pure function of simulated time.

import Foundation

/// SplitMix64 finaliser over (seed, key, step).
@inline(__always) func mix(_ seed: UInt64, _ key: UInt64, _ step: Int) -> UInt64 {
    var z = seed &+ key &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(bitPattern: Int64(step)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// Uniform in [0, 1).
@inline(__always) func unit(_ seed: UInt64, _ key: UInt64, _ step: Int = 0) -> Double {
    Double(mix(seed, key, step) >> 11) / Double(1 << 53)
}

/// Uniform in [-1, 1).
@inline(__always) func noise(_ seed: UInt64, _ key: UInt64, _ step: Int) -> Double {
    unit(seed, key, step) * 2 - 1
}

/// P(X ≤ x) for a log-normal latency with the given median and shape.
@inline(__always) func logNormalCDF(_ x: Double, median: Double, sigma: Double) -> Double {
    if x.isInfinite { return 1 }
    if x <= 0 { return 0 }
    return 0.5 * erfc(-(log(x) - log(median)) / (sigma * 2.0.squareRoot()))
}
