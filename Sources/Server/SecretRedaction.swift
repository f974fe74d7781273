import Yams

/// Hides secret values in a Prometheus config before it is served (`/api/v1/status/config`), as
/// Prometheus prints its `Secret` fields as `<secret>`.
enum SecretRedaction {
    /// The keys whose values are secrets in the sections Klaxon reads.
    static let secretKeys: Set<String> = ["password", "bearer_token", "credentials", "client_secret", "secret_key", "api_key"]

    /// `yaml` with every secret value replaced; text that does not parse is withheld entirely
    /// rather than served unredacted.
    static func redact(_ yaml: String) -> String {
        guard !yaml.isEmpty else { return yaml }
        guard let node = try? Yams.compose(yaml: yaml) else { return "" }
        return (try? Yams.serialize(node: redact(node))) ?? ""
    }

    static func redact(_ node: Node) -> Node {
        switch node {
        case .mapping(var m):
            for (k, v) in m {
                if let key = k.string, secretKeys.contains(key), case .scalar = v, !(v.string ?? "").isEmpty {
                    m[k] = Node("<secret>")
                } else {
                    m[k] = redact(v)
                }
            }
            return .mapping(m)
        case .sequence(var s):
            for i in s.indices { s[i] = redact(s[i]) }
            return .sequence(s)
        default:
            return node
        }
    }
}
