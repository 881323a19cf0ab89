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
