/// A PromQL function's name and types, as the parser checks them.
public struct FunctionSignature: Hashable, Sendable {
    public let name: String
    public let argTypes: [ValueType]
    /// 0: exactly `argTypes.count` arguments; n > 0: up to n more of the last type
    /// (the last listed one is optional); -1: any number more.
    public let variadic: Int
    public let returnType: ValueType

    /// Functions whose value depends on the evaluation time itself, so `@` cannot pin them.
    public var isAtModifierUnsafe: Bool {
        FunctionSignature.atModifierUnsafe.contains(name)
    }

    static let atModifierUnsafe: Set<String> = [
        "days_in_month", "day_of_month", "day_of_week", "day_of_year", "hour", "minute", "month", "year",
        "predict_linear", "time", "timestamp",
    ]
}

/// The function table of the supported subset (Prometheus 2.42 names and arities).
public enum Functions {
    public static let all: [String: FunctionSignature] = {
        let v = ValueType.vector, m = ValueType.matrix, s = ValueType.scalar, str = ValueType.string
        func f(_ n: String, _ a: [ValueType], _ r: ValueType = .vector, variadic: Int = 0) -> FunctionSignature {
            FunctionSignature(name: n, argTypes: a, variadic: variadic, returnType: r)
        }
        let list: [FunctionSignature] = [
            f("abs", [v]), f("absent", [v]), f("absent_over_time", [m]),
            f("avg_over_time", [m]), f("ceil", [v]), f("changes", [m]),
            f("clamp", [v, s, s]), f("clamp_max", [v, s]), f("clamp_min", [v, s]),
            f("count_over_time", [m]), f("days_in_month", [v], variadic: 1),
            f("day_of_month", [v], variadic: 1), f("day_of_week", [v], variadic: 1),
            f("day_of_year", [v], variadic: 1), f("delta", [m]), f("deriv", [m]),
            f("exp", [v]), f("floor", [v]), f("histogram_quantile", [s, v]),
            f("hour", [v], variadic: 1), f("idelta", [m]), f("increase", [m]), f("irate", [m]),
            f("label_replace", [v, str, str, str, str]), f("label_join", [v, str, str, str], variadic: -1),
            f("last_over_time", [m]), f("ln", [v]), f("log10", [v]), f("log2", [v]),
            f("max_over_time", [m]), f("min_over_time", [m]), f("minute", [v], variadic: 1),
            f("month", [v], variadic: 1), f("predict_linear", [m, s]), f("present_over_time", [m]),
            f("quantile_over_time", [s, m]), f("rate", [m]), f("resets", [m]),
            f("round", [v, s], variadic: 1), f("scalar", [v], s), f("sgn", [v]), f("sort", [v]),
            f("sort_desc", [v]), f("sqrt", [v]), f("stddev_over_time", [m]), f("stdvar_over_time", [m]),
            f("sum_over_time", [m]), f("time", [], s), f("timestamp", [v]), f("vector", [s]),
            f("year", [v], variadic: 1),
        ]
        return Dictionary(uniqueKeysWithValues: list.map { ($0.name, $0) })
    }()
}
