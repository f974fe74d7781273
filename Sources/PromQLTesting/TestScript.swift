import Model
import PromQL

/// A Prometheus engine test script (`load` / `eval` / `clear`), the format of
/// Prometheus' `promql/testdata/*.test` at v2.42.
public struct TestScript {
    public enum EvalKind: Sendable { case normal, fail, ordered }

    public enum Expectation: Sendable {
        case scalar(Double)
        case vector([(labels: Labels, value: Double)])
    }

    public struct Eval: Sendable {
        public var line: Int
        public var kind: EvalKind
        public var time: Int64
        public var exprText: String
        public var expected: Expectation
    }

    public struct Load: Sendable {
        public var interval: Int64
        public var series: [(labels: Labels, slots: [SeriesNotation.Slot])]
    }

    public enum Command: Sendable {
        case clear
        case load(Load)
        case eval(Eval)
    }

    public var commands: [Command] = []

    public struct ScriptError: Error, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    public init(parsing text: String) throws {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            let t = String($0).trimmingCharacters(in: [" ", "\t", "\r"])
            return t.hasPrefix("#") ? "" : t
        }
        var i = 0
        while i < lines.count {
            let line = lines[i]
            if line.isEmpty { i += 1; continue }
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            let cmd = words[0].lowercased()
            if cmd == "clear" {
                commands.append(.clear)
                i += 1
            } else if cmd == "load" {
                guard words.count == 2, let interval = try? PromDuration.parse(String(words[1])) else {
                    throw ScriptError(line: i + 1, message: "invalid load command: \(line)")
                }
                var load = Load(interval: interval, series: [])
                i += 1
                while i < lines.count, !lines[i].isEmpty {
                    let (metric, rest) = try TestScript.split(lines[i], line: i + 1)
                    do {
                        let labels = try SeriesNotation.parseLabels(metric)
                        let slots = try SeriesNotation.expand(rest)
                        load.series.removeAll { $0.labels == labels }
                        load.series.append((labels, slots))
                    } catch {
                        throw ScriptError(line: i + 1, message: "\(error)")
                    }
                    i += 1
                }
                commands.append(.load(load))
            } else if cmd.hasPrefix("eval") {
                let kind: EvalKind
                switch words[0] {
                case "eval": kind = .normal
                case "eval_fail": kind = .fail
                case "eval_ordered": kind = .ordered
                default: throw ScriptError(line: i + 1, message: "invalid eval command: \(words[0])")
                }
                guard words.count >= 5, words[1] == "instant", words[2] == "at",
                      let t = try? PromDuration.parse(String(words[3])) else {
                    throw ScriptError(line: i + 1, message: "invalid eval command: \(line)")
                }
                // The expression is everything after the time token.
                let afterAt = line.range(of: " at ")!.upperBound
                let rest = line[afterAt...].drop(while: { $0 == " " })
                let expr = String(rest.drop(while: { $0 != " " }).drop(while: { $0 == " " }))
                var ev = Eval(line: i + 1, kind: kind, time: t, exprText: expr, expected: .vector([]))
                i += 1
                var samples: [(labels: Labels, value: Double)] = []
                while i < lines.count, !lines[i].isEmpty {
                    if let v = TestScript.parseScalarLine(lines[i]) {
                        ev.expected = .scalar(v)
                        i += 1
                        break
                    }
                    let (metric, rest) = try TestScript.split(lines[i], line: i + 1)
                    do {
                        let labels = try SeriesNotation.parseLabels(metric)
                        let slots = try SeriesNotation.expand(rest)
                        guard slots.count == 1, let v = slots[0] else {
                            throw ScriptError(line: i + 1, message: "expected exactly one value")
                        }
                        samples.append((labels, v))
                    } catch let e as ScriptError {
                        throw e
                    } catch {
                        throw ScriptError(line: i + 1, message: "\(error)")
                    }
                    i += 1
                }
                if case .vector = ev.expected { ev.expected = .vector(samples) }
                commands.append(.eval(ev))
            } else {
                throw ScriptError(line: i + 1, message: "invalid command \(goQuote(String(words[0])))")
            }
        }
    }

    static func split(_ s: String, line: Int) throws -> (String, String) {
        guard let r = SeriesNotation.splitLine(s) else { throw ScriptError(line: line, message: "unclosed braces in series line") }
        return r
    }

    /// A plain number line (`3000`, `-1.5`, `+Inf`, `NaN`) is a scalar expectation.
    static func parseScalarLine(_ s: String) -> Double? {
        if s.contains(" ") || s.contains("{") { return nil }
        return PromQLParser.parseNumber(s)
    }
}

