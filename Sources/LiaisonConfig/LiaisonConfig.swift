public import Foundation
public import LiaisonCore

/// Everything bot.conf says, validated, with defaults filled in and paths made absolute
/// (SPEC §6). Built by `ConfigLoader`; printed back by `effectiveSettings()`.
public struct LiaisonConfig: Sendable, Equatable {
    /// Absolute path of the file read.
    public var filePath: String
    /// `[bot] name`: display name and default IRC nick.
    public var botName: String = "liaison"
    /// `[bot] state`: the state file, absolute.
    public var statePath: String
    /// `[bot] admins`, in file order without repeats.
    public var admins: [Identity] = [Identity.console("admin")]
    /// `[bot] prefix` for commands.
    public var prefix: String = "!"
    /// `[bot] log_level`: one of `LiaisonConfig.logLevels`.
    public var logLevel: String = "info"
    /// `[bot] log_format`: plain lines or one JSON object per line, both on stderr.
    public var logFormat: LogFormat = .text
    /// `[metrics] listen`: where /metrics, /healthz and /readyz are served; nil (the default) serves nothing.
    public var metricsListen: ListenAddress?
    /// `[broker]`, plus `botName`, `prefix` and `admins` copied in, since the broker acts on them.
    public var broker: BrokerSettings = BrokerSettings()
    /// `[console] enabled`.
    public var consoleEnabled: Bool = true
    public var irc: [IRCNetworkConfig] = []
    public var matrix: [MatrixNetworkConfig] = []
    /// `console` if enabled, then the IRC networks, then the Matrix networks, each in file order.
    public var networkNames: [String] = [NetworkName.console]

    /// All defaults, for a config file at `filePath` (absolute).
    public init(filePath: String, statePath: String) {
        self.filePath = filePath
        self.statePath = statePath
    }

    /// The swift-log level names `log_level` accepts, least severe first.
    public static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
}

/// `[bot] log_format`.
public enum LogFormat: String, Sendable, Equatable, CaseIterable {
    /// swift-log's plain lines.
    case text
    /// One JSON object per line, for journald and log shippers.
    case json
}

/// `HOST:PORT` for a listening socket: an IPv4 address or host name, or `[IPv6]`, then a port.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `127.0.0.1:9464`, `localhost:9464` or `[::1]:9464`; nil for anything else.
    public init?(parsing text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (1...65_535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2 else { return nil }
            host = String(host.dropFirst().dropLast())
            guard host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }), host.contains(":") else { return nil }
        } else {
            guard !host.isEmpty, host.count <= 253,
                  host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }) else { return nil }
        }
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// `listen`: whether a network's channels get natural-language question detection.
public enum ListenMode: String, Sendable, Equatable, CaseIterable {
    /// Commands and natural-language questions ("who knows about X?").
    case questions
    /// Only prefixed or addressed commands; natural language is ignored.
    case commands
}

/// Where a secret is read from when a transport needs it. The config never holds the
/// secret itself, so it can be printed and logged freely.
public enum SecretSource: Sendable, Equatable {
    /// An absolute path (`*_file`).
    case file(String)
    /// An environment variable name (`*_env`).
    case environment(String)
}

/// One `[irc.NAME]` section.
public struct IRCNetworkConfig: Sendable, Equatable {
    /// SASL mechanism for logging in to services.
    public enum SASL: String, Sendable, Equatable, CaseIterable {
        case plain, external, none
    }

    /// What names a person on this network.
    public enum IdentityMode: String, Sendable, Equatable, CaseIterable {
        /// The services account (the default; nicks can be taken by anyone).
        case account
        /// The nick, on networks without services; spoofable.
        case nick
    }

    public var name: String
    public var host: String
    /// Default 6697 with TLS, 6667 without.
    public var port: Int
    public var tls: Bool = true
    /// Only for tests against servers with self-signed certificates.
    public var tlsVerify: Bool = true
    /// Default: `[bot] name`.
    public var nick: String
    /// Default `plain` when `account` is set, else `none`.
    public var sasl: SASL = .none
    public var account: String?
    public var password: SecretSource?
    /// Absolute path, for `sasl = external` (CertFP).
    public var clientCertFile: String?
    public var channels: [String] = []
    public var identity: IdentityMode = .account
    public var allowNickAdmins: Bool = false
    public var listen: ListenMode = .questions
    public var ignore: [String] = []
    /// Lines sent at once before pacing starts.
    public var floodBurst: Int = 5
    /// Seconds between paced lines; 0 turns pacing off.
    public var floodInterval: TimeInterval = 1
    /// Seconds of silence before pinging the server, then reconnecting.
    public var pingTimeout: TimeInterval = 120

    public init(name: String, host: String, nick: String) {
        self.name = name
        self.host = host
        self.nick = nick
        self.port = 6697
    }

    /// `[A-Za-z0-9_\-\[\]\\^{}|`]{1,32}`, not starting with a digit or `-` (RFC 2812, plus a length cap).
    public static func isValidNick(_ text: String) -> Bool {
        guard (1...32).contains(text.count), let first = text.first, !first.isNumber, first != "-" else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_-[]\\^{}|`".contains($0)) }
    }

    /// `#` or `&`, then up to 49 characters other than space, comma and control characters.
    public static func isValidChannel(_ text: String) -> Bool {
        guard let first = text.first, first == "#" || first == "&", (2...50).contains(text.count) else { return false }
        return !text.contains(where: { $0.isWhitespace || $0 == "," }) && !IniFile.hasControl(text)
    }
}

/// One `[matrix.NAME]` section.
public struct MatrixNetworkConfig: Sendable, Equatable {
    public var name: String
    /// Base URL, `http://` or `https://`.
    public var homeserver: String
    /// `@user:server`.
    public var userID: String
    /// Exactly one of `password` and `accessToken` is set.
    public var password: SecretSource?
    public var accessToken: SecretSource?
    /// Room aliases (`#room:server`) or IDs (`!id:server`).
    public var rooms: [String] = []
    public var listen: ListenMode = .questions
    /// Matrix user IDs whose messages are ignored (other bots).
    public var ignore: [String] = []
    /// Servers whose users may invite the bot into rooms (admins always may).
    public var inviteFrom: [String] = []

    public init(name: String, homeserver: String, userID: String) {
        self.name = name
        self.homeserver = homeserver
        self.userID = userID
    }

    /// `@localpart:server`, both parts non-empty, no spaces.
    public static func isValidUserID(_ text: String) -> Bool {
        text.hasPrefix("@") && hasServerPart(text)
    }

    /// A room alias `#alias:server` or ID `!id:server`.
    public static func isValidRoom(_ text: String) -> Bool {
        (text.hasPrefix("#") || text.hasPrefix("!")) && hasServerPart(text)
    }

    /// A sigil, a non-empty name, `:` and a non-empty server; no spaces or control characters.
    private static func hasServerPart(_ text: String) -> Bool {
        guard let colon = text.firstIndex(of: ":"), !text.contains(where: \.isWhitespace), !IniFile.hasControl(text) else {
            return false
        }
        return colon > text.index(after: text.startIndex) && text.index(after: colon) < text.endIndex
    }
}
