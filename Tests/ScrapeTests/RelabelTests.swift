import Model
import Testing
@testable import Scrape

@Suite struct RelabelTests {
    let base = Labels(["__address__": "host:9100", "job": "node", "env": "Prod", "__meta_x": "a-b"])

    @Test func replaceWithGroups() throws {
        let c = try RelabelConfig(sourceLabels: ["__address__"], targetLabel: "host", regex: "([^:]+):(\\d+)", replacement: "${1}_$2")
        #expect(Relabeler.process(base, [c])?.get("host") == "host_9100")
    }

    @Test func replaceWithoutMatchChangesNothing() throws {
        let c = try RelabelConfig(sourceLabels: ["env"], targetLabel: "x", regex: "dev")
        #expect(Relabeler.process(base, [c]) == base)
    }

    @Test func emptyReplacementDeletesTarget() throws {
        let c = try RelabelConfig(sourceLabels: ["nope"], targetLabel: "env", regex: "", replacement: "")
        #expect(Relabeler.process(base, [c])?["env"] == nil)
    }

    @Test func keepDropAndEqual() throws {
        #expect(Relabeler.process(base, [try RelabelConfig(sourceLabels: ["job"], regex: "node", action: .keep)]) != nil)
        #expect(Relabeler.process(base, [try RelabelConfig(sourceLabels: ["job"], regex: "nod", action: .keep)]) == nil)
        #expect(Relabeler.process(base, [try RelabelConfig(sourceLabels: ["job", "env"], separator: "/", regex: "node/Prod", action: .drop)]) == nil)
        #expect(Relabeler.process(base, [try RelabelConfig(sourceLabels: ["job"], targetLabel: "job", action: .keepequal)]) != nil)
        #expect(Relabeler.process(base, [try RelabelConfig(sourceLabels: ["env"], targetLabel: "job", action: .dropequal)]) != nil)
    }

    @Test func labelmapDropKeepCase() throws {
        let m = Relabeler.process(base, [try RelabelConfig(regex: "__meta_(.+)", replacement: "meta_$1", action: .labelmap)])
        #expect(m?.get("meta_x") == "a-b")
        #expect(Relabeler.process(base, [try RelabelConfig(regex: "env", action: .labeldrop)])?["env"] == nil)
        #expect(Relabeler.process(base, [try RelabelConfig(regex: "job|__address__", action: .labelkeep)])?.count == 2)
        #expect(Relabeler.process(base, [try RelabelConfig(sourceLabels: ["env"], targetLabel: "e", action: .lowercase)])?.get("e") == "prod")
        #expect(Relabeler.process(base, [try RelabelConfig(sourceLabels: ["env"], targetLabel: "e", action: .uppercase)])?.get("e") == "PROD")
    }

    /// hashmod uses the low 64 bits of the MD5 sum, as Prometheus does.
    @Test func hashmodIsMD5Based() throws {
        #expect(MD5.digest(Array("".utf8)).map { String(format2: $0) }.joined() == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(MD5.digest(Array("The quick brown fox jumps over the lazy dog".utf8)).map { String(format2: $0) }.joined() == "9e107d9d372bb6826bd81d3542a419d6")
        let c = try RelabelConfig(sourceLabels: ["__address__"], targetLabel: "shard", modulus: 10, action: .hashmod)
        let d = MD5.digest(Array("host:9100".utf8))
        var s: UInt64 = 0
        for i in 8..<16 { s = (s << 8) | UInt64(d[i]) }
        #expect(Relabeler.process(base, [c])?.get("shard") == String(s % 10))
    }

    static let invalid: [(@Sendable () throws -> RelabelConfig, String)] = [
        ({ try RelabelConfig(sourceLabels: ["a"]) }, "relabel configuration for replace action requires 'target_label' value"),
        ({ try RelabelConfig(sourceLabels: ["a"], targetLabel: "1x") }, "\"1x\" is invalid 'target_label' for replace action"),
        ({ try RelabelConfig(sourceLabels: ["a"], targetLabel: "x", action: .hashmod) }, "relabel configuration for hashmod requires non-zero modulus"),
        ({ try RelabelConfig(sourceLabels: ["a"], regex: "x", action: .labeldrop) }, "labeldrop action requires only 'regex', and no other fields"),
    ]

    @Test(arguments: 0..<invalid.count)
    func invalidConfigsAreRejected(_ i: Int) {
        do {
            _ = try Self.invalid[i].0()
            Issue.record("expected an error")
        } catch {
            #expect("\(error)" == Self.invalid[i].1)
        }
    }
}

extension String {
    init(format2 b: UInt8) {
        let h = Array("0123456789abcdef")
        self = String([h[Int(b >> 4)], h[Int(b & 15)]])
    }
}
