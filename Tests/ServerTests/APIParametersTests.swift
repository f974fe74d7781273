import TestSupport
import Testing
@testable import Server

@Suite struct APIParametersTests {
    @Test func rfc3339FractionsOfAnyLengthTruncateToMilliseconds() throws {
        #expect(APIParameters.parseRFC3339("2026-11-28T23:00:00Z") == 1_795_906_800_000)
        #expect(APIParameters.parseRFC3339("2026-11-28T23:00:00.1Z") == 1_795_906_800_100)
        #expect(APIParameters.parseRFC3339("2026-11-28T23:00:00.123Z") == 1_795_906_800_123)
        // Nanosecond precision (Grafana, amtool) used to crash the server.
        #expect(APIParameters.parseRFC3339("2026-11-28T23:00:00.123456789Z") == 1_795_906_800_123)
        #expect(APIParameters.parseRFC3339("2026-11-28T23:00:00.987654+01:00") == 1_795_903_200_987)
        #expect(try APIParameters.parseTime("2026-11-28T23:00:00.123456789Z") == 1_795_906_800_123)
        #expect(APIParameters.parseRFC3339("2026-11-28T23:00:00.Z") == nil)
    }
}
