import Model
import Yams

extension ConfigLoader {
    mutating func decodeReceiver(_ n: Node) -> Receiver {
        var r = Receiver(name: "")
        let known = Set(["name"] + Receiver.supportedKinds)
        let fields = decoder.fields(n, known: known) { d, key in
            let k = key.scalar?.string ?? ""
            guard Receiver.unsupportedKinds.contains(k) else { return false }
            d.error(key, "\(k) is an Alertmanager receiver kind that Klaxon does not support (supported: \(Receiver.supportedKinds.joined(separator: ", ")))")
            return true
        }
        for (key, v) in fields ?? [] {
            switch key {
            case "name": r.name = decoder.string(v)
            case "webhook_configs": r.webhookConfigs = decoder.sequence(v, of: "*config.WebhookConfig").map { decodeWebhook($0) }
            case "slack_configs": r.slackConfigs = decoder.sequence(v, of: "*config.SlackConfig").map { decodeSlack($0) }
            case "pagerduty_configs": r.pagerdutyConfigs = decoder.sequence(v, of: "*config.PagerdutyConfig").map { decodePagerduty($0) }
            case "email_configs": r.emailConfigs = decoder.sequence(v, of: "*config.EmailConfig").map { decodeEmail($0) }
            default: break
            }
        }
        if r.name.isEmpty { decoder.error(n, "missing name in receiver") }
        return r
    }

    /// `Config.UnmarshalYAML`'s second half: unset per-receiver settings come from `global`.
    mutating func fillDefaults(_ r: inout Receiver, from g: GlobalConfig, node: Node) {
        for i in r.emailConfigs.indices {
            var e = r.emailConfigs[i]
            if e.smarthost.isEmpty {
                if g.smtpSmarthost.isEmpty { decoder.error(node, "no global SMTP smarthost set") }
                e.smarthost = g.smtpSmarthost
            }
            if e.from.isEmpty {
                if g.smtpFrom.isEmpty { decoder.error(node, "no global SMTP from set") }
                e.from = g.smtpFrom
            }
            if e.hello.isEmpty { e.hello = g.smtpHello }
            if e.authUsername.isEmpty { e.authUsername = g.smtpAuthUsername }
            if e.authPassword == nil && e.authPasswordFile.isEmpty {
                e.authPassword = g.smtpAuthPassword
                e.authPasswordFile = g.smtpAuthPasswordFile
            }
            if e.authSecret == nil { e.authSecret = g.smtpAuthSecret }
            if e.authIdentity.isEmpty { e.authIdentity = g.smtpAuthIdentity }
            if e.requireTLS == nil { e.requireTLS = g.smtpRequireTLS }
            r.emailConfigs[i] = e
        }
        for i in r.slackConfigs.indices where r.slackConfigs[i].apiURL == nil && r.slackConfigs[i].apiURLFile.isEmpty {
            if g.slackAPIURL == nil && g.slackAPIURLFile.isEmpty {
                decoder.error(node, "no global Slack API URL set either inline or in a file")
            }
            r.slackConfigs[i].apiURL = g.slackAPIURL
            r.slackConfigs[i].apiURLFile = g.slackAPIURLFile
        }
        for i in r.pagerdutyConfigs.indices where r.pagerdutyConfigs[i].url.isEmpty {
            r.pagerdutyConfigs[i].url = g.pagerdutyURL
        }
        for i in r.webhookConfigs.indices where r.webhookConfigs[i].inheritsHTTPConfig {
            r.webhookConfigs[i].httpConfig = g.httpConfig
        }
        for i in r.slackConfigs.indices where r.slackConfigs[i].inheritsHTTPConfig {
            r.slackConfigs[i].httpConfig = g.httpConfig
        }
        for i in r.pagerdutyConfigs.indices where r.pagerdutyConfigs[i].inheritsHTTPConfig {
            r.pagerdutyConfigs[i].httpConfig = g.httpConfig
        }
    }


    // MARK: Integrations

    mutating func decodeWebhook(_ n: Node) -> WebhookConfig {
        var c = WebhookConfig()
        var urlNode: Node?
        var hasHTTP = false
        for (key, v) in decoder.fields(n, known: ["send_resolved", "http_config", "url", "max_alerts"]) ?? [] {
            switch key {
            case "send_resolved": c.sendResolved = decoder.bool(v)
            case "http_config": c.httpConfig = decodeHTTPConfig(v); hasHTTP = true
            case "url": urlNode = v; c.url = decoder.string(v)
            case "max_alerts": c.maxAlerts = decoder.int(v)
            default: break
            }
        }
        c.inheritsHTTPConfig = !hasHTTP
        if urlNode == nil || c.url.isEmpty {
            decoder.error(n, "missing URL in webhook config")
        } else if let problem = Self.urlProblem(c.url) {
            decoder.error(urlNode, problem.hasPrefix("unsupported scheme") ? "scheme required for webhook url" : problem)
        }
        if c.maxAlerts < 0 { decoder.error(n, "max_alerts must not be negative") }
        return c
    }

    mutating func decodeSlack(_ n: Node) -> SlackConfig {
        var c = SlackConfig()
        var hasHTTP = false
        let known: Set = ["send_resolved", "http_config", "api_url", "api_url_file", "channel", "username", "color", "title",
                          "title_link", "pretext", "text", "fields", "short_fields", "footer", "fallback", "callback_id",
                          "icon_emoji", "icon_url", "image_url", "thumb_url", "link_names", "mrkdwn_in", "actions"]
        for (key, v) in decoder.fields(n, known: known) ?? [] {
            switch key {
            case "send_resolved": c.sendResolved = decoder.bool(v)
            case "http_config": c.httpConfig = decodeHTTPConfig(v); hasHTTP = true
            case "api_url": c.apiURL = secretURL(v)
            case "api_url_file": c.apiURLFile = decoder.string(v)
            case "channel": c.channel = decoder.string(v)
            case "username": c.username = decoder.string(v)
            case "color": c.color = decoder.string(v)
            case "title": c.title = decoder.string(v)
            case "title_link": c.titleLink = decoder.string(v)
            case "pretext": c.pretext = decoder.string(v)
            case "text": c.text = decoder.string(v)
            case "short_fields": c.shortFields = decoder.bool(v)
            case "footer": c.footer = decoder.string(v)
            case "fallback": c.fallback = decoder.string(v)
            case "callback_id": c.callbackID = decoder.string(v)
            case "icon_emoji": c.iconEmoji = decoder.string(v)
            case "icon_url": c.iconURL = decoder.string(v)
            case "image_url": c.imageURL = decoder.string(v)
            case "thumb_url": c.thumbURL = decoder.string(v)
            case "link_names": c.linkNames = decoder.bool(v)
            case "mrkdwn_in": c.mrkdwnIn = decoder.stringList(v)
            case "fields":
                for f in decoder.sequence(v, of: "*config.SlackField") {
                    var field = SlackConfig.Field()
                    for (k, fv) in decoder.fields(f, known: ["title", "value", "short"]) ?? [] {
                        switch k {
                        case "title": field.title = decoder.string(fv)
                        case "value": field.value = decoder.string(fv)
                        default: field.short = decoder.bool(fv)
                        }
                    }
                    if field.title.isEmpty { decoder.error(f, "missing title in Slack field configuration") }
                    if field.value.isEmpty { decoder.error(f, "missing value in Slack field configuration") }
                    c.fields.append(field)
                }
            case "actions":
                for a in decoder.sequence(v, of: "*config.SlackAction") {
                    var action = SlackConfig.Action()
                    for (k, av) in decoder.fields(a, known: ["type", "text", "url", "style", "name", "value", "confirm"]) ?? [] {
                        switch k {
                        case "type": action.type = decoder.string(av)
                        case "text": action.text = decoder.string(av)
                        case "url": action.url = decoder.string(av)
                        case "style": action.style = decoder.string(av)
                        case "name": action.name = decoder.string(av)
                        case "value": action.value = decoder.string(av)
                        default:
                            var conf = SlackConfig.ConfirmationField()
                            for (ck, cv) in decoder.fields(av, known: ["text", "title", "ok_text", "dismiss_text"]) ?? [] {
                                switch ck {
                                case "text": conf.text = decoder.string(cv)
                                case "title": conf.title = decoder.string(cv)
                                case "ok_text": conf.okText = decoder.string(cv)
                                default: conf.dismissText = decoder.string(cv)
                                }
                            }
                            if conf.text.isEmpty { decoder.error(av, "missing text in Slack confirmation field configuration") }
                            action.confirm = conf
                        }
                    }
                    if action.type.isEmpty { decoder.error(a, "missing type in Slack action configuration") }
                    if action.text.isEmpty { decoder.error(a, "missing text in Slack action configuration") }
                    if action.url.isEmpty && action.name.isEmpty { decoder.error(a, "missing name or url in Slack action configuration") }
                    c.actions.append(action)
                }
            default: break
            }
        }
        c.inheritsHTTPConfig = !hasHTTP
        if c.apiURL != nil, !c.apiURLFile.isEmpty { decoder.error(n, "at most one of api_url & api_url_file must be configured") }
        return c
    }

    mutating func decodePagerduty(_ n: Node) -> PagerdutyConfig {
        var c = PagerdutyConfig()
        var hasHTTP = false
        var userDetails: [String: String] = [:]
        let known: Set = ["send_resolved", "http_config", "service_key", "service_key_file", "routing_key", "routing_key_file",
                          "url", "client", "client_url", "description", "details", "images", "links", "source", "severity",
                          "class", "component", "group"]
        for (key, v) in decoder.fields(n, known: known) ?? [] {
            switch key {
            case "send_resolved": c.sendResolved = decoder.bool(v)
            case "http_config": c.httpConfig = decodeHTTPConfig(v); hasHTTP = true
            case "service_key": c.serviceKey = Secret(decoder.string(v))
            case "service_key_file": c.serviceKeyFile = decoder.string(v)
            case "routing_key": c.routingKey = Secret(decoder.string(v))
            case "routing_key_file": c.routingKeyFile = decoder.string(v)
            case "url": c.url = url(v)
            case "client": c.client = decoder.string(v)
            case "client_url": c.clientURL = decoder.string(v)
            case "description": c.description = decoder.string(v)
            case "details": for e in decoder.stringMap(v) { userDetails[e.key] = e.value }
            case "source": c.source = decoder.string(v)
            case "severity": c.severity = decoder.string(v)
            case "class": c.class = decoder.string(v)
            case "component": c.component = decoder.string(v)
            case "group": c.group = decoder.string(v)
            case "images":
                for i in decoder.sequence(v, of: "config.PagerdutyImage") {
                    var img = PagerdutyConfig.Image()
                    for (k, iv) in decoder.fields(i, type: "config.PagerdutyImage", known: ["src", "alt", "href"]) ?? [] {
                        switch k {
                        case "src": img.src = decoder.string(iv)
                        case "alt": img.alt = decoder.string(iv)
                        default: img.href = decoder.string(iv)
                        }
                    }
                    c.images.append(img)
                }
            case "links":
                for l in decoder.sequence(v, of: "config.PagerdutyLink") {
                    var link = PagerdutyConfig.Link()
                    for (k, lv) in decoder.fields(l, type: "config.PagerdutyLink", known: ["href", "text"]) ?? [] {
                        if k == "href" { link.href = decoder.string(lv) } else { link.text = decoder.string(lv) }
                    }
                    c.links.append(link)
                }
            default: break
            }
        }
        c.inheritsHTTPConfig = !hasHTTP
        let empty = { (s: Secret?) in s?.isEmpty ?? true }
        if empty(c.routingKey) && empty(c.serviceKey) && c.routingKeyFile.isEmpty && c.serviceKeyFile.isEmpty {
            decoder.error(n, "missing service or routing key in PagerDuty config")
        }
        if !empty(c.routingKey) && !c.routingKeyFile.isEmpty {
            decoder.error(n, "at most one of routing_key & routing_key_file must be configured")
        }
        if !empty(c.serviceKey) && !c.serviceKeyFile.isEmpty {
            decoder.error(n, "at most one of service_key & service_key_file must be configured")
        }
        if empty(c.routingKey) { c.routingKey = nil }
        if empty(c.serviceKey) { c.serviceKey = nil }
        c.details = PagerdutyConfig.defaultDetails.merging(userDetails) { _, user in user }
        return c
    }

    mutating func decodeEmail(_ n: Node) -> EmailConfig {
        var c = EmailConfig()
        let known: Set = ["send_resolved", "to", "from", "hello", "smarthost", "auth_username", "auth_password",
                          "auth_password_file", "auth_secret", "auth_identity", "headers", "html", "text", "require_tls", "tls_config"]
        for (key, v) in decoder.fields(n, known: known) ?? [] {
            switch key {
            case "send_resolved": c.sendResolved = decoder.bool(v)
            case "to": c.to = decoder.string(v)
            case "from": c.from = decoder.string(v)
            case "hello": c.hello = decoder.string(v)
            case "smarthost": c.smarthost = hostPort(v)
            case "auth_username": c.authUsername = decoder.string(v)
            case "auth_password": c.authPassword = Secret(decoder.string(v))
            case "auth_password_file": c.authPasswordFile = decoder.string(v)
            case "auth_secret": c.authSecret = Secret(decoder.string(v))
            case "auth_identity": c.authIdentity = decoder.string(v)
            case "html": c.html = decoder.string(v)
            case "text": c.text = decoder.string(v)
            case "require_tls": c.requireTLS = decoder.bool(v)
            case "tls_config": c.tlsConfig = decodeTLSConfig(v)
            case "headers":
                for e in decoder.stringMap(v) {
                    let name = Self.canonicalHeader(e.key)
                    if c.headers[name] != nil { decoder.error(e.keyNode, "duplicate header \(goQuoted(name)) in email config") }
                    c.headers[name] = e.value
                }
            default: break
            }
        }
        if c.to.isEmpty { decoder.error(n, "missing to address in email config") }
        if c.authPassword != nil, !c.authPasswordFile.isEmpty {
            decoder.error(n, "at most one of auth_password & auth_password_file must be configured")
        }
        return c
    }

    /// Go's `textproto.CanonicalMIMEHeaderKey`: `x-foo-bar` → `X-Foo-Bar`.
    static func canonicalHeader(_ s: String) -> String {
        guard s.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else { return s }
        var upper = true
        return String(s.map { ch -> Character in
            defer { upper = ch == "-" }
            return upper ? Character(ch.uppercased()) : Character(ch.lowercased())
        })
    }
}
