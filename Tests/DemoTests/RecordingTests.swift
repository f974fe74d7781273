import Exposition
import Model
import Testing
@testable import Demo

/// `--record` output: valid OpenMetrics with timestamps, each family's samples together, each
/// series' samples in time order, `# EOF` at the end, and nothing lost or invented.
@Suite struct RecordingTests {
    @Test func recordingRoundTripsThroughTheOpenMetricsParser() throws {
        let sim = GatewayzSimulator(start: testStart)
        let recording = OpenMetricsRecording(families: sim.openMetricsFamilies)
        let extra = [Label(name: "instance", value: "127.0.0.1:8000"), Label(name: "job", value: "gatewayz")]
        // Out of order on purpose: the writer sorts each series by time.
        sim.record(from: minutes(20), to: minutes(20.5), extraLabels: extra, into: recording)
        sim.record(from: minutes(19.5), to: minutes(19.75), extraLabels: extra, into: recording)
        recording.add(Labels(["__name__": "up", "job": "gatewayz", "instance": "127.0.0.1:8000"]), t: minutes(20), v: 1)
        recording.add(Labels(["__name__": "up", "job": "gatewayz", "instance": "127.0.0.1:8000"]), t: minutes(20.25), v: StaleNaN.value)

        let text = recording.render()
        #expect(text.hasSuffix("# EOF\n"))
        let page = try ExpositionParser(format: .openMetrics).parse(text)
        #expect(page.samples.count == 5 * sim.seriesCount + 1, "staleness markers are dropped")
        #expect(recording.sampleCount == 5 * sim.seriesCount + 1)
        #expect(page.samples.allSatisfy { $0.timestamp != nil })
        #expect(page.metadata["model_inference_requests"]?.type == "counter")
        #expect(page.metadata["model_inference_duration_seconds"]?.type == "histogram")
        #expect(page.metadata["up"]?.type == "unknown")

        // Families are contiguous and each series runs forward in time.
        var seenFamilies: [String] = []
        var lastTime: [String: Int64] = [:]
        for s in page.samples {
            let name = s.labels.first { $0.name == Labels.metricName }!.value
            let family = sim.familyNames.first { name == $0 || name.hasPrefix($0 + "_") && !sim.familyNames.contains(name) } ?? name
            if seenFamilies.last != family {
                #expect(!seenFamilies.contains(family), "\(family) is split")
                seenFamilies.append(family)
            }
            let key = s.labels.map { "\($0.name)=\($0.value)" }.joined(separator: ",")
            if let prev = lastTime[key] { #expect(s.timestamp! > prev) }
            lastTime[key] = s.timestamp!
        }
        // Values are the simulator's at each time.
        let at20 = sim.values(at: minutes(20))
        let firstSeries = page.samples.filter { $0.labels == page.samples[0].labels }
        #expect(firstSeries.count == 5)
        #expect(firstSeries.first { $0.timestamp == minutes(20) }?.value == at20[0])
    }
}
