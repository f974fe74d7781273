import Model
import Testing
@testable import Rules

/// xxHash64 and slot alignment (rules-spec §2.2).
@Suite struct ManagerScheduleTests {
    @Test(arguments: [
        ("", 0xEF46_DB37_51D8_E999 as UInt64),
        ("abc", 0x44BC_2CF5_AD77_0999),
        ("xxhash", 0x32DD_3895_2C4B_C720),
        ("Nobody inspects the spammish repetition", 0xFBCE_A83C_8A37_8BF1),
    ])
    func xxHash64Vectors(input: String, expected: UInt64) {
        #expect(XXHash64.hash(input) == expected)
    }

    /// The rows of the spec's §2.2 table, with the values Prometheus 2.42 really uses.
    ///
    /// Deliberate difference from the spec: its table hashes the 0xFF separator UTF-8 encoded
    /// (C3 BF), which Prometheus does not do (`seps = []byte{'\xff'}`). Oracle: the Debian 2.42
    /// server evaluated `rules/demo.yml`/`demo` at a 10s interval at …:48.768574003, i.e. offset
    /// 8.768248080 s = H mod 10 s with the raw byte (the spec's H would give 4.600850329 s).
    @Test(arguments: [
        ("rules/demo.yml", "demo", Int64(60_000), 0x36EE_BDF4_235D_8D10 as UInt64, Int64(58_768_248_080)),
        ("alerts/node.yml", "node", 30_000, 0x6FD2_DC06_6F07_56C0, 23_509_905_088),
        ("rules/demo.yml", "demo", 10_000, 0x36EE_BDF4_235D_8D10, 8_768_248_080),
    ])
    func specWorkedExamples(file: String, group: String, interval: Int64, hash: UInt64, offsetNs: Int64) {
        let s = GroupSchedule(file: file, name: group, interval: interval)
        #expect(s.hash == hash)
        #expect(s.offsetNanoseconds == offsetNs)
        #expect(s.offset == offsetNs / 1_000_000)
    }

    /// The spec's H values are reproduced by the UTF-8-encoded separator, not by Prometheus' hash.
    @Test(arguments: [
        ("rules/demo.yml", "demo", 0x5DD9_07B8_876B_6799 as UInt64, Int64(60_000), Int64(24_600_850_329)),
        ("alerts/node.yml", "node", 0x4BD8_ACEE_6151_9A42, 30_000, 27_649_028_674),
    ])
    func specTableUsedAUTF8EncodedSeparator(file: String, group: String, specHash: UInt64, interval: Int64, specOffset: Int64) {
        let sep = Array("\u{FF}".utf8)
        #expect(sep == [0xC3, 0xBF])
        let bytes = Array("file".utf8) + sep + Array(file.utf8) + sep + Array("name".utf8) + sep + Array(group.utf8) + sep
        #expect(XXHash64.hash(bytes) == specHash)
        #expect(Int64(specHash % UInt64(interval * 1_000_000)) == specOffset)
        #expect(GroupSchedule(file: file, name: group, interval: interval).hash != specHash)
    }

    @Test func evaluationsLandOnTheOffsetEveryInterval() {
        // rules/demo.yml/demo/60s evaluates at hh:mm:58.768 every minute.
        let s = GroupSchedule(file: "rules/demo.yml", name: "demo", interval: 60_000)
        let minute: Int64 = 1_700_000_040_000  // a whole minute
        #expect(minute % 60_000 == 0)
        #expect(s.evalTimestamp(minute + 58_768) == minute + 58_768)
        #expect(s.evalTimestamp(minute + 58_767) == minute - 60_000 + 58_768)
        #expect(s.evalTimestamp(minute + 118_767) == minute + 58_768)
        #expect(s.firstEvaluation(startingAt: minute) == minute + 58_768)
        // Starting exactly on a slot waits for the next one.
        #expect(s.firstEvaluation(startingAt: minute + 58_768) == minute + 118_768)
    }

    @Test func slotsBeforeTheEpochAreAlignedToo() {
        let s = GroupSchedule(file: "alerts/node.yml", name: "node", interval: 30_000)
        #expect(s.evalTimestamp(0) == 23_509 - 30_000)
        #expect(s.evalTimestamp(-10_000) == 23_509 - 60_000)
    }
}
