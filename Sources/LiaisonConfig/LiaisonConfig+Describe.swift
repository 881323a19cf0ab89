import Foundation
import LiaisonCore

extension LiaisonConfig {
    /// Every effective setting, defaults included, as bot.conf text that `ConfigLoader.parse`
    /// reads back to an equal config (for `liaison check-config`).
    ///
    /// Secrets appear only as where they are read from (`password_file = PATH`,
    /// `password_env = NAME`): the config never holds secret contents, so none can leak here.
    /// Optional settings that are not set (`account`, `client_cert_file`) are left out.
    public func effectiveSettings() -> String {
        var out = SettingsWriter()
        out.comment("Effective settings of \(filePath), defaults included.")
        out.comment("Secrets are not shown; only where they are read from.")

        out.section("bot")
        out.set("name", botName)
        out.set("state", statePath)
        out.set("admins", admins.map(\.raw))
        out.set("prefix", prefix)
        out.set("log_level", logLevel)
        out.set("log_format", logFormat.rawValue)

        out.section("broker")
        out.set("offers_per_request", broker.offersPerRequest)
        out.set("intros_per_request", broker.introsPerRequest)
        out.set("offer_ttl", duration: broker.offerTTL)
        out.set("request_ttl", duration: broker.requestTTL)
        out.set("followup_after", duration: broker.followupAfter)
        out.set("max_open_requests", broker.maxOpenRequests)
        out.set("max_requests_per_day", broker.maxRequestsPerDay)
        out.set("max_offers_per_week", broker.maxOffersPerWeek)
        out.set("channel_replies_per_minute", broker.channelRepliesPerMinute)
        out.set("commands_per_minute", broker.commandsPerMinute)

        out.section("console")
        out.set("enabled", consoleEnabled)

        if let metricsListen {
            out.section("metrics")
            out.set("listen", metricsListen.description)
        }

        for irc in irc {
            out.section("irc.\(irc.name)")
            out.set("host", irc.host)
            out.set("port", irc.port)
            out.set("tls", irc.tls)
            out.set("tls_verify", irc.tlsVerify)
            out.set("nick", irc.nick)
            out.set("sasl", irc.sasl.rawValue)
            if let account = irc.account { out.set("account", account) }
            out.set("password", secret: irc.password)
            if let cert = irc.clientCertFile { out.set("client_cert_file", cert) }
            out.set("channels", irc.channels)
            out.set("identity", irc.identity.rawValue)
            out.set("allow_nick_admins", irc.allowNickAdmins)
            out.set("listen", irc.listen.rawValue)
            out.set("ignore", irc.ignore)
            out.set("flood_burst", irc.floodBurst)
            out.set("flood_interval", duration: irc.floodInterval)
            out.set("ping_timeout", duration: irc.pingTimeout)
        }

        for matrix in matrix {
            out.section("matrix.\(matrix.name)")
            out.set("homeserver", matrix.homeserver)
            out.set("user_id", matrix.userID)
            out.set("password", secret: matrix.password)
            out.set("access_token", secret: matrix.accessToken)
            out.set("rooms", matrix.rooms)
            out.set("listen", matrix.listen.rawValue)
            out.set("ignore", matrix.ignore)
            out.set("invite_from", matrix.inviteFrom)
        }
        return out.text
    }
}

/// Builds INI text in the forms `ConfigLoader` reads: yes/no, comma lists, `DurationText`.
private struct SettingsWriter {
    private var lines: [String] = []

    var text: String { lines.joined(separator: "\n") + "\n" }

    mutating func comment(_ text: String) {
        lines.append("# " + text)
    }

    mutating func section(_ name: String) {
        lines.append(contentsOf: ["", "[\(name)]"])
    }

    mutating func set(_ key: String, _ value: String) {
        // "key =" with nothing after reads back as an empty value, the same as "key = ".
        lines.append(value.isEmpty ? "\(key) =" : "\(key) = \(value)")
    }

    mutating func set(_ key: String, _ value: Int) {
        set(key, String(value))
    }

    mutating func set(_ key: String, _ value: Bool) {
        set(key, value ? "yes" : "no")
    }

    mutating func set(_ key: String, _ values: [String]) {
        set(key, values.joined(separator: ", "))
    }

    mutating func set(_ key: String, duration seconds: TimeInterval) {
        set(key, DurationText.format(seconds))
    }

    /// `BASE_file = PATH` or `BASE_env = NAME`; nothing when unset.
    mutating func set(_ base: String, secret: SecretSource?) {
        switch secret {
        case .file(let path): set(base + "_file", path)
        case .environment(let name): set(base + "_env", name)
        case nil: break
        }
    }
}
