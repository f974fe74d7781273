import Model
/// `receivers:` entry. A receiver without configs is valid and discards notifications.
public struct Receiver: Sendable {
    public var name: String
    public var webhookConfigs: [WebhookConfig] = []
    public var slackConfigs: [SlackConfig] = []
    public var pagerdutyConfigs: [PagerdutyConfig] = []
    public var emailConfigs: [EmailConfig] = []

    public init(name: String) { self.name = name }

    /// The receiver kinds Klaxon sends to; Alertmanager's others are rejected when loading.
    public static let supportedKinds = ["email_configs", "pagerduty_configs", "slack_configs", "webhook_configs"]
    /// Alertmanager 0.25 receiver kinds that Klaxon does not implement.
    public static let unsupportedKinds: Set<String> = [
        "opsgenie_configs", "wechat_configs", "pushover_configs", "victorops_configs",
        "sns_configs", "telegram_configs", "webex_configs", "discord_configs", "msteams_configs",
    ]
}

/// `http_config` (`common: config.HTTPClientConfig`), the parts the HTTP client needs.
public struct HTTPClientConfig: Sendable, Hashable {
    public struct BasicAuth: Sendable, Hashable {
        public var username = ""
        public var password: Secret?
        public var passwordFile = ""
    }
    public struct Authorization: Sendable, Hashable {
        public var type = "Bearer"
        public var credentials: Secret?
        public var credentialsFile = ""
    }
    public struct TLSConfig: Sendable, Hashable {
        public var caFile = "", certFile = "", keyFile = "", serverName = ""
        public var insecureSkipVerify = false
        public var minVersion = ""
    }
    public var basicAuth: BasicAuth?
    public var authorization: Authorization?
    /// Deprecated `bearer_token` / `bearer_token_file`, kept as given.
    public var bearerToken: Secret?
    public var bearerTokenFile = ""
    public var tlsConfig = TLSConfig()
    public var proxyURL = ""
    public var followRedirects = true
    public var enableHTTP2 = true
    public init() {}
}

/// `webhook_configs` entry.
public struct WebhookConfig: Sendable {
    public var sendResolved = true
    public var url = ""
    /// 0 = unlimited.
    public var maxAlerts = 0
    public var httpConfig = HTTPClientConfig()
    /// No `http_config` of its own: `global.http_config` is used.
    var inheritsHTTPConfig = true
}

/// `slack_configs` entry; text fields are templates with Alertmanager's defaults.
public struct SlackConfig: Sendable {
    public struct Field: Sendable { public var title = "", value = ""; public var short: Bool? }
    public struct ConfirmationField: Sendable { public var text = "", title = "", okText = "", dismissText = "" }
    public struct Action: Sendable {
        public var type = "", text = "", url = "", style = "", name = "", value = ""
        public var confirm: ConfirmationField?
    }
    public var sendResolved = false
    public var httpConfig = HTTPClientConfig()
    public var apiURL: SecretURL?
    public var apiURLFile = ""
    public var channel = ""
    public var username = #"{{ template "slack.default.username" . }}"#
    public var color = #"{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}"#
    public var title = #"{{ template "slack.default.title" . }}"#
    public var titleLink = #"{{ template "slack.default.titlelink" . }}"#
    public var pretext = #"{{ template "slack.default.pretext" . }}"#
    public var text = #"{{ template "slack.default.text" . }}"#
    public var fields: [Field] = []
    public var shortFields = false
    public var footer = #"{{ template "slack.default.footer" . }}"#
    public var fallback = #"{{ template "slack.default.fallback" . }}"#
    public var callbackID = #"{{ template "slack.default.callbackid" . }}"#
    public var iconEmoji = #"{{ template "slack.default.iconemoji" . }}"#
    public var iconURL = #"{{ template "slack.default.iconurl" . }}"#
    public var imageURL = "", thumbURL = ""
    public var linkNames = false
    public var mrkdwnIn = ["fallback", "pretext", "text"]
    public var actions: [Action] = []
    var inheritsHTTPConfig = true
}

/// `pagerduty_configs` entry. A service key selects Events API v1, a routing key v2.
public struct PagerdutyConfig: Sendable {
    public struct Image: Sendable { public var src = "", alt = "", href = "" }
    public struct Link: Sendable { public var href = "", text = "" }
    public var sendResolved = true
    public var httpConfig = HTTPClientConfig()
    public var serviceKey: Secret?
    public var serviceKeyFile = ""
    public var routingKey: Secret?
    public var routingKeyFile = ""
    /// Filled from `global.pagerduty_url` when unset; ignored for v1.
    public var url = ""
    public var client = #"{{ template "pagerduty.default.client" . }}"#
    public var clientURL = #"{{ template "pagerduty.default.clientURL" . }}"#
    public var description = #"{{ template "pagerduty.default.description" .}}"#
    /// User keys merged over the defaults `firing`, `resolved`, `num_firing`, `num_resolved`.
    public var details: [String: String] = [:]
    public var images: [Image] = []
    public var links: [Link] = []
    public var source = ""
    public var severity = "error"
    public var `class` = "", component = "", group = ""
    var inheritsHTTPConfig = true

    /// True when the Events API v1 (service key) is used.
    public var usesV1: Bool { serviceKey != nil || !serviceKeyFile.isEmpty }

    public static let defaultDetails: [String: String] = [
        "firing": #"{{ template "pagerduty.default.instances" .Alerts.Firing }}"#,
        "resolved": #"{{ template "pagerduty.default.instances" .Alerts.Resolved }}"#,
        "num_firing": "{{ .Alerts.Firing | len }}",
        "num_resolved": "{{ .Alerts.Resolved | len }}",
    ]
}

/// `email_configs` entry; unset SMTP settings come from `global.smtp_*`.
public struct EmailConfig: Sendable {
    public var sendResolved = false
    public var to = ""
    public var from = ""
    public var hello = ""
    public var smarthost = ""
    public var authUsername = ""
    public var authPassword: Secret?
    public var authPasswordFile = ""
    public var authSecret: Secret?
    public var authIdentity = ""
    /// Canonical header names (`X-Foo`); `Subject`, `To` and `From` are added when missing.
    public var headers: [String: String] = [:]
    public var html = #"{{ template "email.default.html" . }}"#
    public var text = ""
    public var requireTLS: Bool?
    public var tlsConfig = HTTPClientConfig.TLSConfig()
}
