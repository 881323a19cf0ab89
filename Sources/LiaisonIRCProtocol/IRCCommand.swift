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
