import Foundation
import ArgumentParser
import Model
import PromQL

/// `klaxon query`: evaluate an expression on series given in promtool's notation, or
/// print it back in canonical form when no series are given.
struct Query: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a PromQL expression on series in promtool notation (or print its canonical form).")

    @Option(name: .customLong("series"),
            help: ArgumentHelp("A series and its values in promtool notation: 'up{job=\"a\"} 0+1x10'. Repeatable.", valueName: "series"))
    var series: [String] = []

    @Option(help: "Spacing of the series values (a Prometheus duration).")
    var interval = "1m"

    @Option(help: "Evaluation time, as a duration since the epoch (e.g. 10m).")
    var at = "0s"

    @Argument(help: "The PromQL expression.")
    var expr: String

    func run() throws {
        let parsed: Expr
        do {
            parsed = try PromQLParser.parse(expr)
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
        if series.isEmpty {
            print(parsed)
            return
        }
        let step = try PromDuration.parse(interval)
        let t = try PromDuration.parse(at)
        let store = MemoryStore()
        for line in series {
            guard let (metric, values) = SeriesNotation.splitLine(line) else {
                throw ValidationError("unclosed braces in --series \(line)")
            }
            let labels = try SeriesNotation.parseLabels(metric)
            for (k, v) in try SeriesNotation.expand(values).enumerated() {
                if let v { store.add(labels, Int64(k) * step, v) }
            }
        }
        do {
            switch try Engine().instantQuery(parsed, at: t, on: store) {
            case .scalar(let ts, let v): print("scalar: \(GoFloat.formatF(v)) @[\(seconds(ts))]")
            case .string(let ts, let s): print("string: \(s) @[\(seconds(ts))]")
            case .vector(let v):
                for s in v { print("\(s.labels.seriesString) => \(GoFloat.formatF(s.v)) @[\(seconds(s.t))]") }
            case .matrix(let m):
                for s in m {
                    print("\(s.labels.seriesString) =>")
                    for p in s.points { print("\(GoFloat.formatF(p.v)) @[\(seconds(p.t))]") }
                }
            }
        } catch {
            printError("Error executing query: \(error)")
            throw ExitCode(1)
        }
    }

    func seconds(_ ms: Int64) -> String {
        ms % 1000 == 0 ? "\(ms / 1000)" : GoFloat.formatF(Double(ms) / 1000)
    }
}

func printError(_ s: String) {
    var err = StandardError()
    print(s, to: &err)
}

struct StandardError: TextOutputStream {
    mutating func write(_ s: String) {
        FileHandle.standardError.write(Data(s.utf8))
    }
}
