// The fixed facts of the simulated Gatewayz backend: who serves which models, which tables,
// endpoints and caches exist, and the histogram buckets. Names follow the monitoring guide
// (`provider="openrouter", model="gpt-4"`, `provider="fireworks", model="llama-3-70b"`).

/// One upstream AI provider and the models Gatewayz routes to it.
public struct Provider: Sendable, Equatable {
    public let name: String
    /// Requests per second of the provider's busiest model; later models get a falling share.
    public let traffic: Double
    public let models: [String]
}

/// Everything the simulator exposes, in exposition order.
public enum GatewayzCatalog {
    /// The guide's "15+ AI providers": 47 provider/model pairs in all. (Cardinality is kept so
    /// that a two-hour recording at 15 s stays under 5 MB gzipped.)
    public static let providers: [Provider] = [
        Provider(name: "openrouter", traffic: 3.0, models: ["gpt-4", "gpt-4o", "claude-3.5-sonnet", "llama-3.1-70b"]),
        Provider(name: "openai", traffic: 2.5, models: ["gpt-4o", "gpt-4o-mini", "gpt-4-turbo", "o1-mini"]),
        Provider(name: "anthropic", traffic: 2.0, models: ["claude-3.5-sonnet", "claude-3.5-haiku", "claude-3-opus"]),
        Provider(name: "google", traffic: 1.5, models: ["gemini-1.5-pro", "gemini-1.5-flash", "gemini-2.0-flash"]),
        Provider(name: "groq", traffic: 1.2, models: ["llama-3.1-8b-instant", "llama-3.3-70b-versatile", "mixtral-8x7b"]),
        Provider(name: "together", traffic: 1.0, models: ["llama-3.1-405b", "qwen-2.5-72b", "deepseek-v3", "mixtral-8x22b"]),
        Provider(name: "fireworks", traffic: 0.8, models: ["llama-3-70b", "llama-3.1-8b", "qwen-2.5-coder-32b", "deepseek-r1"]),
        Provider(name: "deepinfra", traffic: 0.6, models: ["llama-3.1-70b", "mistral-7b", "wizardlm-2-8x22b"]),
        Provider(name: "mistral", traffic: 0.6, models: ["mistral-large", "mistral-small", "codestral"]),
        Provider(name: "cohere", traffic: 0.4, models: ["command-r-plus", "command-r", "embed-english-v3"]),
        Provider(name: "perplexity", traffic: 0.5, models: ["sonar", "sonar-pro", "sonar-reasoning"]),
        Provider(name: "xai", traffic: 0.4, models: ["grok-2", "grok-beta"]),
        Provider(name: "cerebras", traffic: 0.5, models: ["llama-3.1-8b", "llama-3.3-70b"]),
        Provider(name: "featherless", traffic: 0.3, models: ["qwen-2.5-14b", "mistral-nemo", "llama-3-8b"]),
        Provider(name: "chutes", traffic: 0.4, models: ["deepseek-r1", "deepseek-v3", "qwen-2.5-72b"]),
    ]

    /// Share of a provider's traffic for its i-th model.
    public static let modelShare: [Double] = [1.0, 0.7, 0.5, 0.35, 0.25]

    public static let databaseTables = ["users", "api_keys", "credit_transactions", "usage_records", "chat_history",
                                        "metrics_hourly_aggregates"]
    public static let databaseOperations = ["select", "insert", "update"]

    /// (endpoint, method, share of HTTP traffic): the three critical inference endpoints first.
    public static let endpoints: [(path: String, method: String)] = [
        ("/v1/chat/completions", "POST"), ("/v1/messages", "POST"), ("/v1/images/generations", "POST"),
        ("/v1/embeddings", "POST"), ("/v1/models", "GET"), ("/health", "GET"),
        ("/api/monitoring/health", "GET"), ("/api/keys", "GET"), ("/api/keys", "POST"),
    ]
    public static let httpStatuses = ["200", "400", "401", "429", "500", "503"]

    public static let cacheTypes = ["model_catalog", "api_key", "rate_limit", "response"]
    public static let rateLimitTypes = ["per_user", "per_key", "global", "burst"]
    public static let subscriptionTiers = ["free", "starter", "pro", "enterprise"]
    public static let cpuModes = ["idle", "user", "system", "iowait", "irq", "softirq", "steal", "nice"]
    public static let cpuCount = 4
    /// The top accounts by spend, as the Business dashboard's table lists them.
    public static let topUsers = (1...10).map { "user-\(1000 + $0 * 37)" }

    /// Inference latency buckets: they reach past the 30 s and 60 s rule thresholds.
    public static let inferenceBuckets: [Double] = [0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 45, 60, 90, 120, .infinity]
    /// Database query buckets: past the 2 s and 5 s thresholds.
    public static let databaseBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, .infinity]
    /// HTTP request buckets: past the 10 s threshold.
    public static let httpBuckets: [Double] = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, .infinity]

    /// Every (provider index, model) pair in exposition order.
    public static let pairs: [(provider: Int, model: String, share: Double)] = {
        var out: [(Int, String, Double)] = []
        for (p, prov) in providers.enumerated() {
            for (i, m) in prov.models.enumerated() { out.append((p, m, modelShare[i])) }
        }
        return out
    }()

    public static func providerIndex(_ name: String) -> Int {
        guard let i = providers.firstIndex(where: { $0.name == name }) else { preconditionFailure("unknown provider \(name)") }
        return i
    }
}
