import ArgumentParser
import Exposition
import Foundation
import Model
import TSDB

/// `klaxon tsdb ...`: tools over a storage directory.
struct TSDBCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tsdb", abstract: "Tools for Klaxon's storage directory.",
        subcommands: [Import.self, Analyze.self, CrashTestAppend.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Backfill blocks from OpenMetrics text with timestamps (like promtool tsdb create-blocks-from openmetrics).")

        @Argument(help: "An OpenMetrics file whose samples carry timestamps, ending with # EOF.")
        var file: String

        @Option(name: .customLong("storage.path"), help: "The storage directory.")
        var storagePath = "data/"

        func run() throws {
            let text: String
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw ValidationError("cannot read \(file): \(error.localizedDescription)")
            }
            let page: ParsedPage
            do { page = try ExpositionParser(format: .openMetrics).parse(text) } catch {
                printError("\(file): \(error)")
                throw ExitCode(1)
            }
            var samples: [(Labels, Int64, Double)] = []
            samples.reserveCapacity(page.samples.count)
            for s in page.samples {
                guard let t = s.timestamp else {
                    printError("\(file): line \(s.line): sample has no timestamp; import needs one on every sample")
                    throw ExitCode(1)
                }
                samples.append((Labels(sorted: s.labels), t, s.value))
            }
            do {
                let sum = try Importer.importSamples(samples, into: storagePath)
                print("imported \(sum.samples) samples of \(sum.series) series into \(sum.blocks.count) block(s) in \(storagePath)")
                for b in sum.blocks {
                    print("  \(b.ulid)  \(isoTime(b.minTime)) .. \(isoTime(b.maxTime))  series=\(b.stats.numSeries) samples=\(b.stats.numSamples)")
                }
            } catch {
                printError("import: \(error)")
                throw ExitCode(1)
            }
        }
    }

    struct Analyze: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print series, samples, bytes per sample and cardinality of a storage directory's blocks.")

        @Argument(help: "The storage directory.")
        var directory: String

        @Option(help: "How many metrics and labels to list.")
        var limit = 10

        func run() throws {
            let a: Analysis
            do { a = try Analysis.analyze(directory) } catch {
                printError("analyze \(directory): \(error)")
                throw ExitCode(1)
            }
            print("Blocks: \(a.blocks.count)")
            if a.minTime != .max { print("Time range: \(isoTime(a.minTime)) .. \(isoTime(a.maxTime))") }
            print("Series: \(a.seriesCount)")
            print("Samples: \(a.sampleCount)")
            print(String(format: "Bytes per sample: %.3f (chunks), %.3f (blocks incl. index)", a.bytesPerSample, a.totalBytesPerSample))
            print("Block bytes: \(a.totalBytes)   WAL bytes: \(a.walBytes) (not included above)")
            print("\nHighest cardinality metrics:")
            for (m, n) in a.metricCardinality.prefix(limit) { print("  \(n)\t\(m)") }
            print("\nHighest cardinality labels:")
            for (l, n) in a.labelCardinality.prefix(limit) { print("  \(n)\t\(l)") }
        }
    }
}

func isoTime(_ ms: Int64) -> String {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return f.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
}

/// Appends deterministic batches and prints `ack N` after each commit returns; the crash
/// test kills it with SIGKILL and checks that every acknowledged batch survived.
struct CrashTestAppend: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crash-test-append", abstract: "Test helper: append batches until killed.", shouldDisplay: false)

    @Option(name: .customLong("storage.path")) var storagePath: String
    @Option var series = 100
    @Option var first = 0
    @Option var batches = 1_000_000

    /// The value of series `s` in batch `b`, so a checker can tell invented samples.
    static func value(series s: Int, batch b: Int) -> Double { Double(s) * 1_000_003 + Double(b) }

    func run() throws {
        let db = try DB.open(storagePath)
        let labels = (0..<series).map { Labels(["__name__": "crash", "s": String($0)]) }
        for b in first..<(first + batches) {
            let app = db.makeAppender()
            for (s, l) in labels.enumerated() { try app.append(l, Int64(b) * 1000, Self.value(series: s, batch: b)) }
            try app.commit()
            FileHandle.standardOutput.write(Data("ack \(b)\n".utf8))
        }
    }
}
