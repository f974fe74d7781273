import Foundation
import Testing
@testable import Templates

/// `GoFormat.cExponent` (vsnprintf into a buffer) reads C's `%e` as `String(format:)` prints it.
@Suite struct GoFormatGTests {
    func reference(_ v: Double, _ digits: Int) -> ([Character], Int) {
        let parts = String(format: "%.\(digits - 1)e", v).split(separator: "e")
        return (Array(parts[0].replacingOccurrences(of: ".", with: "")), Int(parts[1])!)
    }

    @Test func exponentFormMatchesFoundation() {
        var rng = SystemRandomNumberGenerator()
        var values: [Double] = [0.5, 1, 9.9995, 123456789, 1e-300, 5e-324, 1.7976931348623157e308, 0.1, 2.5, 1e21]
        for _ in 0..<3_000 {
            values.append(Double(bitPattern: UInt64.random(in: 0...0x7FEF_FFFF_FFFF_FFFF, using: &rng)))
            values.append(Double.random(in: 0...1e6, using: &rng))
        }
        for v in values {
            for digits in [1, 2, 4, 6, 17, 40, 90] {
                let got = GoFormat.cExponent(v, digits: digits), want = reference(v, digits)
                #expect(got.digits == want.0 && got.exponent == want.1, "\(v) \(digits)")
            }
        }
        #expect(GoFormat.g(1234.5678, precision: 4) == "1235")
        #expect(GoFormat.g(0.000012345, precision: 4) == "1.234e-05")
    }
}
