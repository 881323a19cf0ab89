import Foundation
import LiaisonCore

/// Reads bot.conf into a `LiaisonConfig` (SPEC §6). Every error is a `ConfigError`
/// naming the file, the line and the expected form; the first one found is thrown.
public enum ConfigLoader {
    /// Reads and parses the file at `path` (relative paths are taken from the working directory).
    /// `missingHint`: what to do when there is no such file (it depends on the command).
    public static func load(path: String, missingHint: String = "create it or pass --config PATH") throws -> LiaisonConfig {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw ConfigError(file: path, line: nil, message: "no such file; \(missingHint)")
        }
        guard !isFolder.boolValue else {
            throw ConfigError(file: path, line: nil, message: "is a folder; expected a config file like bot.conf")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, line: nil, message: "cannot be read; check its permissions")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, line: nil, message: "is not UTF-8 text; expected an INI file like bot.conf")
        }
        return try parse(text, path: path)
    }

    /// Parses `text` as if read from `path`, which names the file in errors and anchors
    /// relative paths (`state`, `*_file`) to its folder.
    public static func parse(_ text: String, path: String) throws -> LiaisonConfig {
        let ini = try IniFile(parsing: text, file: path)
        let absolute = absolutePath(path)
        let folder = parentFolder(of: absolute)
        var config = LiaisonConfig(filePath: absolute, statePath: resolve("liaison.db", in: folder))
        let (ircSections, matrixSections) = try networkSections(of: ini)

        let bot = ini.section("bot") ?? empty("bot", file: path)
        try bot.checkKeys(["name", "state", "admins", "prefix", "log_level"])
        if let name = try bot.word("name", expected: nickForm) {
            guard IRCNetworkConfig.isValidNick(name) else {
                throw bot.error(bot.line(of: "name"), "name: expected \(nickForm), got \(IniFile.quoted(name))")
            }
            config.botName = name
        }
        if let state = try filePath("state", in: bot, folder: folder) { config.statePath = state }
        if let prefix = bot.text("prefix") {
            guard (1...3).contains(prefix.count), !prefix.contains(where: \.isWhitespace), !IniFile.hasControl(prefix) else {
                throw bot.error(bot.line(of: "prefix"), "prefix: expected 1 to 3 characters without spaces, like !, got \(IniFile.quoted(prefix))")
            }
            config.prefix = prefix
        }
        if let level = bot.text("log_level") {
            guard LiaisonConfig.logLevels.contains(level.lowercased()) else {
                let names = LiaisonConfig.logLevels.joined(separator: ", ")
                throw bot.error(bot.line(of: "log_level"), "log_level: expected one of \(names), got \(IniFile.quoted(level))")
            }
            config.logLevel = level.lowercased()
        }

        config.broker = try brokerSettings(ini.section("broker") ?? empty("broker", file: path))

        let console = ini.section("console") ?? empty("console", file: path)
        try console.checkKeys(["enabled"])
        config.consoleEnabled = try console.bool("enabled") ?? true

        config.irc = try ircSections.map { try ircNetwork($0.section, name: $0.name, botName: config.botName, folder: folder) }
        config.matrix = try matrixSections.map { try matrixNetwork($0.section, name: $0.name, folder: folder) }
        config.networkNames = (config.consoleEnabled ? [NetworkName.console] : []) + config.irc.map(\.name) + config.matrix.map(\.name)
        guard !config.networkNames.isEmpty else {
            throw ConfigError(file: path, line: console.entry("enabled")?.line,
                              message: "no network is configured; set [console] enabled = yes or add an [irc.NAME] or [matrix.NAME] section")
        }

        // The console admin is a default only while the console runs; without it, nobody is admin by default.
        config.admins = try admins(in: bot, config: config) ?? (config.consoleEnabled ? [Identity.console("admin")] : [])
        config.broker.botName = config.botName
        config.broker.prefix = config.prefix
        config.broker.admins = Set(config.admins)
        return config
    }

    // MARK: - Sections

    /// Checks every section name up front, so `[ircc.x]` is reported before any value is read.
    private static func networkSections(of ini: IniFile) throws
        -> (irc: [(name: String, section: IniFile.Section)], matrix: [(name: String, section: IniFile.Section)]) {
        var irc: [(name: String, section: IniFile.Section)] = []
        var matrix: [(name: String, section: IniFile.Section)] = []
        var seen: [String: IniFile.Section] = [:]
        for section in ini.sections where !["bot", "broker", "console"].contains(section.name) {
            let parts = section.name.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == "irc" || parts[0] == "matrix" else {
                throw section.error(section.line, "unknown section [\(section.name)]; expected [bot], [broker], [console], [irc.NAME] or [matrix.NAME]")
            }
            let name = String(parts[1])
            guard name != NetworkName.console else {
                throw section.error(section.line, "network name \"console\" is reserved for the console network; choose another name")
            }
            guard NetworkName.isValid(name) else {
                throw section.error(section.line, "network name \(IniFile.quoted(name)): expected lower-case letters, digits, \"_\" and \"-\", like [\(parts[0]).libera]")
            }
            if let earlier = seen[name] {
                throw section.error(section.line, "network name \"\(name)\" is already used by [\(earlier.name)] on line \(earlier.line); names are unique across IRC and Matrix")
            }
            seen[name] = section
            if parts[0] == "irc" { irc.append((name, section)) } else { matrix.append((name, section)) }
        }
        return (irc, matrix)
    }

    private static func brokerSettings(_ s: IniFile.Section) throws -> BrokerSettings {
        try s.checkKeys(["offers_per_request", "intros_per_request", "offer_ttl", "request_ttl", "followup_after",
                         "max_open_requests", "max_requests_per_day", "max_offers_per_week", "channel_replies_per_minute",
                         "commands_per_minute"])
        var b = BrokerSettings()
        b.offersPerRequest = try s.integer("offers_per_request") ?? b.offersPerRequest
        b.introsPerRequest = try s.integer("intros_per_request") ?? b.introsPerRequest
        b.offerTTL = try s.duration("offer_ttl") ?? b.offerTTL
        b.requestTTL = try s.duration("request_ttl") ?? b.requestTTL
        b.followupAfter = try s.duration("followup_after") ?? b.followupAfter
        b.maxOpenRequests = try s.integer("max_open_requests") ?? b.maxOpenRequests
        b.maxRequestsPerDay = try s.integer("max_requests_per_day") ?? b.maxRequestsPerDay
        b.maxOffersPerWeek = try s.integer("max_offers_per_week") ?? b.maxOffersPerWeek
        b.channelRepliesPerMinute = try s.integer("channel_replies_per_minute") ?? b.channelRepliesPerMinute
        b.commandsPerMinute = try s.integer("commands_per_minute", min: 0) ?? b.commandsPerMinute
        return b
    }

    private static func ircNetwork(_ s: IniFile.Section, name: String, botName: String, folder: String) throws -> IRCNetworkConfig {
        try refuseInlineSecrets(s, ["password": "password_file or password_env"])
        try s.checkKeys(["host", "port", "tls", "tls_verify", "nick", "sasl", "account", "password_file", "password_env",
                         "client_cert_file", "channels", "identity", "allow_nick_admins", "listen", "ignore",
                         "flood_burst", "flood_interval", "ping_timeout"])
        guard let host = try s.word("host", expected: "a host name like irc.libera.chat") else {
            throw s.error(s.line, "[\(s.name)] needs host = HOSTNAME, like host = irc.libera.chat")
        }
        // One colon is host:port; IPv6 literals have several.
        guard !host.contains("://"), host.filter({ $0 == ":" }).count != 1 else {
            throw s.error(s.line(of: "host"), "host: expected a host name like irc.libera.chat, without a scheme or port (use port =), got \(IniFile.quoted(host))")
        }
        var irc = IRCNetworkConfig(name: name, host: host, nick: botName)
        irc.tls = try s.bool("tls") ?? true
        irc.port = try s.integer("port", max: 65_535) ?? (irc.tls ? 6697 : 6667)
        irc.tlsVerify = try s.bool("tls_verify") ?? true
        if let nick = try s.word("nick", expected: nickForm) {
            guard IRCNetworkConfig.isValidNick(nick) else {
                throw s.error(s.line(of: "nick"), "nick: expected \(nickForm), got \(IniFile.quoted(nick))")
            }
            irc.nick = nick
        }
        irc.account = try s.word("account", expected: "a services account name")
        irc.password = try secret("password", in: s, folder: folder)
        irc.clientCertFile = try filePath("client_cert_file", in: s, folder: folder)
        let explicitSASL: IRCNetworkConfig.SASL? = try s.choice("sasl")
        irc.sasl = explicitSASL ?? (irc.account == nil ? .none : .plain)
        switch irc.sasl {
        case .plain where irc.account == nil:
            throw s.error(s.line(of: "sasl"), "sasl = plain needs account = NAME and password_file or password_env")
        case .plain where irc.password == nil:
            let why = explicitSASL == nil ? "account is set, so sasl defaults to plain, which" : "sasl = plain"
            throw s.error(s.line(of: explicitSASL == nil ? "account" : "sasl"),
                          "\(why) needs password_file = PATH or password_env = VARIABLE (or set sasl = none)")
        case .external where irc.clientCertFile == nil:
            throw s.error(s.line(of: "sasl"), "sasl = external needs client_cert_file = PATH")
        case .external where !irc.tls:
            throw s.error(s.line(of: "sasl"), "sasl = external sends a client certificate, which needs tls = yes")
        default: break
        }
        irc.channels = try s.list("channels", expected: "channels starting with # or &, like #networking",
                                  isValid: IRCNetworkConfig.isValidChannel) ?? []
        irc.identity = try s.choice("identity") ?? .account
        irc.allowNickAdmins = try s.bool("allow_nick_admins") ?? false
        irc.listen = try s.choice("listen") ?? .questions
        irc.ignore = try s.list("ignore", expected: "nicks, like otherbot, ChanServ",
                                isValid: { !IRCNetworkConfig.isValidChannel($0) }) ?? []
        irc.floodBurst = try s.integer("flood_burst") ?? irc.floodBurst
        irc.floodInterval = try s.duration("flood_interval", allowZero: true) ?? irc.floodInterval
        irc.pingTimeout = try s.duration("ping_timeout") ?? irc.pingTimeout
        return irc
    }

    private static func matrixNetwork(_ s: IniFile.Section, name: String, folder: String) throws -> MatrixNetworkConfig {
        try refuseInlineSecrets(s, ["password": "password_file or password_env",
                                    "access_token": "access_token_file or access_token_env"])
        try s.checkKeys(["homeserver", "user_id", "password_file", "password_env", "access_token_file", "access_token_env",
                         "rooms", "listen", "ignore", "invite_from"])
        guard let homeserver = try s.word("homeserver", expected: "a URL like https://matrix.example.org") else {
            throw s.error(s.line, "[\(s.name)] needs homeserver = URL, like homeserver = https://matrix.example.org")
        }
        guard let scheme = ["https://", "http://"].first(where: homeserver.lowercased().hasPrefix), homeserver.count > scheme.count else {
            throw s.error(s.line(of: "homeserver"), "homeserver: expected a URL starting with https:// or http://, got \(IniFile.quoted(homeserver))")
        }
        guard let userID = try s.word("user_id", expected: "a Matrix user ID like @liaison:example.org") else {
            throw s.error(s.line, "[\(s.name)] needs user_id = @USER:SERVER, like user_id = @liaison:example.org")
        }
        guard MatrixNetworkConfig.isValidUserID(userID) else {
            throw s.error(s.line(of: "user_id"), "user_id: expected a Matrix user ID like @liaison:example.org, got \(IniFile.quoted(userID))")
        }
        var matrix = MatrixNetworkConfig(name: name, homeserver: homeserver, userID: userID)
        matrix.password = try secret("password", in: s, folder: folder)
        matrix.accessToken = try secret("access_token", in: s, folder: folder)
        switch (matrix.password, matrix.accessToken) {
        case (nil, nil):
            throw s.error(s.line, "[\(s.name)] needs a login: password_file, password_env, access_token_file or access_token_env")
        case (.some, .some):
            throw s.error(max(s.line(of: "password_file"), s.line(of: "password_env")),
                          "set either a password (password_file / password_env) or an access token (access_token_file / access_token_env), not both")
        default: break
        }
        matrix.rooms = try s.list("rooms", expected: "rooms like #networking:example.org or !id:example.org",
                                  isValid: MatrixNetworkConfig.isValidRoom) ?? []
        matrix.listen = try s.choice("listen") ?? .questions
        matrix.ignore = try s.list("ignore", expected: "Matrix user IDs like @otherbot:example.org",
                                   isValid: MatrixNetworkConfig.isValidUserID) ?? []
        matrix.inviteFrom = try s.list("invite_from", expected: "server names like example.org",
                                       isValid: { !$0.contains("@") && !$0.contains("/") }) ?? []
        return matrix
    }

    /// `admins`, or nil when the key is absent. Each must name a configured network, and an
    /// IRC network that identifies people by nick only if it opted in to that risk.
    private static func admins(in bot: IniFile.Section, config: LiaisonConfig) throws -> [Identity]? {
        guard let line = bot.entry("admins")?.line,
              let items = try bot.list("admins", expected: "identities NETWORK:ID, like console:admin") else { return nil }
        var result: [Identity] = []
        for item in items {
            guard let admin = Identity(parsing: item) else {
                throw bot.error(line, "admins: expected identities NETWORK:ID, like console:admin, got \(IniFile.quoted(item))")
            }
            guard config.networkNames.contains(admin.network) else {
                let known = config.networkNames.joined(separator: ", ")
                throw bot.error(line, "admins: \(IniFile.quoted(item)) is on network \"\(admin.network)\", which is not configured; configured networks: \(known)")
            }
            if admin.network == NetworkName.console, !isConsoleName(admin.id) {
                throw bot.error(line, "admins: console names are 1 to 32 letters, digits, \".\", \"_\" or \"-\", got \(IniFile.quoted(item))")
            }
            if config.matrix.contains(where: { $0.name == admin.network }), !MatrixNetworkConfig.isValidUserID(admin.id) {
                throw bot.error(line, "admins: a Matrix admin is \(admin.network):@USER:SERVER, got \(IniFile.quoted(item))")
            }
            if let irc = config.irc.first(where: { $0.name == admin.network }), irc.identity == .nick, !irc.allowNickAdmins {
                throw bot.error(line, "admins: \(IniFile.quoted(item)) is on [irc.\(irc.name)], which has identity = nick, so anyone could take that nick; set allow_nick_admins = yes there to accept that risk")
            }
            if !result.contains(admin) { result.append(admin) }
        }
        return result
    }

    // MARK: - Values

    private static func refuseInlineSecrets(_ s: IniFile.Section, _ keys: [String: String]) throws {
        for entry in s.entries {
            if let instead = keys[entry.key] {
                throw s.error(entry.line, "\(entry.key): secrets are not written in bot.conf; use \(instead) instead")
            }
        }
    }

    private static func secret(_ base: String, in s: IniFile.Section, folder: String) throws -> SecretSource? {
        let file = try filePath(base + "_file", in: s, folder: folder)
        let env = s.entry(base + "_env")
        if file != nil, let env {
            throw s.error(max(env.line, s.line(of: base + "_file")), "set only one of \(base)_file and \(base)_env")
        }
        if let file { return .file(file) }
        guard let env else { return nil }
        guard isEnvironmentName(env.value) else {
            throw s.error(env.line, "\(env.key): expected an environment variable name like LIAISON_PASSWORD, got \(IniFile.quoted(env.value))")
        }
        return .environment(env.value)
    }

    private static func filePath(_ key: String, in s: IniFile.Section, folder: String) throws -> String? {
        guard let entry = s.entry(key) else { return nil }
        guard !entry.value.isEmpty, !IniFile.hasControl(entry.value) else {
            throw s.error(entry.line, "\(key): expected a file path, got \(IniFile.quoted(entry.value))")
        }
        return resolve(entry.value, in: folder)
    }

    private static func empty(_ name: String, file: String) -> IniFile.Section {
        IniFile.Section(name: name, line: 1, entries: [], file: file)
    }

    // MARK: - Forms

    static let nickForm = "a nick of 1 to 32 letters, digits or _-[]\\^{}|` not starting with a digit or -"

    static func isConsoleName(_ s: String) -> Bool {
        (1...32).contains(s.count) && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }
    }

    static func isEnvironmentName(_ s: String) -> Bool {
        guard let first = s.first, !first.isNumber else { return false }
        return s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }

    // MARK: - Paths

    static func absolutePath(_ path: String) -> String {
        resolve(path, in: FileManager.default.currentDirectoryPath)
    }

    /// `path` if absolute, else `folder/path`, with `.` and `..` folded so printed paths are tidy.
    static func resolve(_ path: String, in folder: String) -> String {
        let full = path.hasPrefix("/") ? path : folder + "/" + path
        var parts: [Substring] = []
        for part in full.split(separator: "/") where part != "." {
            if part == ".." { _ = parts.popLast() } else { parts.append(part) }
        }
        return "/" + parts.joined(separator: "/")
    }

    static func parentFolder(of absolutePath: String) -> String {
        resolve("..", in: absolutePath)
    }
}
