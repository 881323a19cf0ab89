/// A line's command, typed once when the line is parsed, so that handlers switch on cases
/// instead of comparing strings ("001", "privmsg") at every step.
///
/// Known commands are matched ignoring ASCII case, as IRC asks; a command of exactly three
/// digits is a numeric; anything else stays `.other` with its text as received.
public enum IRCCommand: Hashable, Sendable {
    case account, authenticate, away, batch, cap, chathistory, error, fail, invite, join, kick, mode,
         monitor, nick, notice, part, ping, pong, privmsg, quit, tagmsg, who
    case numeric(IRCNumeric)
    case other(String)

    private static let known: [String: IRCCommand] = [
        "ACCOUNT": .account, "AUTHENTICATE": .authenticate, "AWAY": .away, "BATCH": .batch, "CAP": .cap,
        "CHATHISTORY": .chathistory, "ERROR": .error, "FAIL": .fail, "INVITE": .invite, "JOIN": .join,
        "KICK": .kick, "MODE": .mode, "MONITOR": .monitor, "NICK": .nick, "NOTICE": .notice, "PART": .part,
        "PING": .ping, "PONG": .pong, "PRIVMSG": .privmsg, "QUIT": .quit, "TAGMSG": .tagmsg, "WHO": .who,
    ]

    public init(_ name: String) {
        let utf8 = name.utf8
        if utf8.count == 3, utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            self = .numeric(IRCNumeric(rawValue: utf8.reduce(0) { $0 * 10 + Int($1 - 0x30) }))
        } else if utf8.count <= 12, let known = Self.known[Self.asciiUppercased(name)] {
            self = known
        } else {
            self = .other(name)
        }
    }

    /// The command as it goes on the wire: upper case, a numeric as three digits.
    public var name: String {
        switch self {
        case .numeric(let numeric): numeric.name
        case .other(let name): name
        default: Self.known.first { $0.value == self }?.key ?? ""
        }
    }

    /// ASCII letters only: IRC's case-insensitivity of commands knows nothing of Unicode.
    private static func asciiUppercased(_ s: String) -> String {
        String(decoding: s.utf8.map { (0x61...0x7A).contains($0) ? $0 - 0x20 : $0 }, as: UTF8.self)
    }
}

/// A three-digit reply code, named where Liaison acts on it (names as in the IRC specs).
public struct IRCNumeric: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Three digits, as on the wire.
    public var name: String {
        let digits = String(rawValue)
        return String(repeating: "0", count: max(0, 3 - digits.count)) + digits
    }
    public var description: String { name }

    public static let welcome = IRCNumeric(rawValue: 1)
    public static let isupport = IRCNumeric(rawValue: 5)
    public static let away = IRCNumeric(rawValue: 301)
    public static let endOfWho = IRCNumeric(rawValue: 315)
    public static let whoReply = IRCNumeric(rawValue: 352)
    public static let namesReply = IRCNumeric(rawValue: 353)
    /// RPL_WHOSPCRPL: a WHOX reply line.
    public static let whoxReply = IRCNumeric(rawValue: 354)
    public static let endOfNames = IRCNumeric(rawValue: 366)
    public static let endOfMotd = IRCNumeric(rawValue: 376)
    public static let visibleHost = IRCNumeric(rawValue: 396)
    public static let unknownError = IRCNumeric(rawValue: 400)
    public static let noSuchNick = IRCNumeric(rawValue: 401)
    public static let cannotSendToChannel = IRCNumeric(rawValue: 404)
    public static let unknownCommand = IRCNumeric(rawValue: 421)
    public static let noMotd = IRCNumeric(rawValue: 422)
    public static let erroneousNickname = IRCNumeric(rawValue: 432)
    public static let nicknameInUse = IRCNumeric(rawValue: 433)
    public static let nickCollision = IRCNumeric(rawValue: 436)
    public static let needRegisteredNick = IRCNumeric(rawValue: 477)
    public static let monitorOnline = IRCNumeric(rawValue: 730)
    public static let monitorOffline = IRCNumeric(rawValue: 731)
    public static let loggedIn = IRCNumeric(rawValue: 900)
    public static let nickLocked = IRCNumeric(rawValue: 902)
    public static let saslSuccess = IRCNumeric(rawValue: 903)
    public static let saslFail = IRCNumeric(rawValue: 904)
    public static let saslTooLong = IRCNumeric(rawValue: 905)
    public static let saslAborted = IRCNumeric(rawValue: 906)
    public static let saslAlready = IRCNumeric(rawValue: 907)
    public static let saslMechanisms = IRCNumeric(rawValue: 908)
}
