import Yams

extension AlertmanagerConfig {
    /// Keys whose values Alertmanager 0.25 types as `Secret`/`SecretURL` and prints as `<secret>`
    /// (`config.Secret.MarshalYAML`). `api_url` is only a secret inside `slack_configs`.
    static let secretKeys: Set<String> = [
        "smtp_auth_password", "smtp_auth_secret", "slack_api_url", "auth_password", "auth_secret",
        "routing_key", "service_key", "password", "credentials", "bearer_token", "client_secret",
        "api_key", "api_secret", "user_key", "token", "bot_token", "secret_key", "opsgenie_api_key",
        "victorops_api_key", "wechat_api_secret",
    ]

    /// The configuration as `/api/v2/status` serves it in `config.original`: the file's YAML
    /// re-emitted with every secret value replaced by `<secret>`, as Alertmanager masks them.
    ///
    /// Deliberate difference: Alertmanager re-marshals its parsed config (defaults filled in,
    /// comments dropped); Klaxon re-emits the document as written, without comments. Both load
    /// unchanged in Alertmanager's strict parser, which is what `amtool config routes` needs.
    public var redactedOriginal: String {
        guard let root = try? Yams.compose(yaml: original) else { return "" }
        let masked = Self.redact(root, inSlack: false)
        return (try? Yams.serialize(node: masked)) ?? ""
    }

    static func redact(_ node: Node, inSlack: Bool) -> Node {
        switch node {
        case .mapping(let m):
            var pairs: [(Node, Node)] = []
            for (k, v) in m {
                let key = k.string ?? ""
                if case .scalar = v, secretKeys.contains(key) || (inSlack && key == "api_url") {
                    pairs.append((k, Node("<secret>")))
                } else {
                    pairs.append((k, redact(v, inSlack: key == "slack_configs")))
                }
            }
            return .mapping(Node.Mapping(pairs))
        case .sequence(let s):
            return .sequence(Node.Sequence(s.map { redact($0, inSlack: inSlack) }))
        default:
            return node
        }
    }
}
