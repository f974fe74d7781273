import Model

/// Writes samples in the Prometheus text format or OpenMetrics text (with `# EOF`), in the
/// order given; metadata lines precede a family's first sample.
public struct ExpositionWriter {
    public let format: ExpositionFormat

    public init(format: ExpositionFormat) { self.format = format }

    public func write(_ page: ParsedPage) -> String {
        var out = ""
        var described = Set<String>()
        for s in page.samples {
            let name = s.labels.first { $0.name == Labels.metricName }?.value ?? ""
            let family = page.metadata.keys.contains(name) ? name : familyName(name, page.metadata)
            if let fam = family, !described.contains(fam), let md = page.metadata[fam] {
                described.insert(fam)
                if !md.help.isEmpty { out += "# HELP \(fam) \(escapeHelp(md.help))\n" }
                let t = format == .prometheusText && md.type == "unknown" ? "untyped" : md.type
                out += "# TYPE \(fam) \(t)\n"
                if format == .openMetrics && !md.unit.isEmpty { out += "# UNIT \(fam) \(md.unit)\n" }
            }
            out += line(s, name: name)
        }
        if format == .openMetrics { out += "# EOF\n" }
        return out
    }

    /// One sample line, newline included.
    public func line(_ s: ParsedSample, name: String) -> String {
        var out = name
        let rest = s.labels.filter { $0.name != Labels.metricName }
        if !rest.isEmpty {
            out += "{" + rest.map { "\($0.name)=\"\(escapeValue($0.value))\"" }.joined(separator: ",") + "}"
        }
        out += " " + formatValue(s.value)
        if let t = s.timestamp {
            if format == .prometheusText { out += " \(t)" } else { out += " " + formatSeconds(t) }
        }
        return out + "\n"
    }

    func familyName(_ sample: String, _ md: [String: MetricMetadata]) -> String? {
        for suffix in ["_bucket", "_count", "_sum", "_total", "_created", "_info", "_gcount", "_gsum"] where sample.hasSuffix(suffix) {
            let base = String(sample.dropLast(suffix.count))
            if md[base] != nil { return base }
        }
        return nil
    }

    func formatValue(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v == .infinity { return "+Inf" }
        if v == -.infinity { return "-Inf" }
        return GoFloat.formatG(v)
    }

    /// Milliseconds as seconds with at most three decimals (`1520879607.789`).
    func formatSeconds(_ ms: Int64) -> String {
        let sign = ms < 0 ? "-" : ""
        let a = ms.magnitude
        let frac = a % 1000
        if frac == 0 { return "\(sign)\(a / 1000)" }
        var f = String(frac)
        while f.count < 3 { f = "0" + f }
        while f.hasSuffix("0") { f.removeLast() }
        return "\(sign)\(a / 1000).\(f)"
    }

    func escapeValue(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }

    func escapeHelp(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\"" where format == .openMetrics: out += "\\\""
            default: out.append(c)
            }
        }
        return out
    }
}

