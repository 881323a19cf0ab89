import Foundation

/// One `[matrix.NAME]` homeserver, with secrets already read (never logged).
public struct MatrixSettings: Sendable {
    public var network: String
    /// `https://matrix.example.org`, without a trailing slash.
    public var homeserver: String
    public var userID: String
    public var password: String?
    public var accessToken: String?
    public var rooms: [String]
    public var listensToQuestions: Bool
    public var ignore: [String]
    /// Servers whose users may invite the bot into rooms (admins always may).
    public var inviteFrom: [String]
    /// The bot's name, for addressing ("liaison: ask x").
    public var botName: String

    public init(network: String, homeserver: String, userID: String, password: String?, accessToken: String?, rooms: [String],
                listensToQuestions: Bool, ignore: [String], inviteFrom: [String], botName: String) {
        self.network = network
        self.homeserver = homeserver.hasSuffix("/") ? String(homeserver.dropLast()) : homeserver
        self.userID = userID
        self.password = password
        self.accessToken = accessToken
        self.rooms = rooms
        self.listensToQuestions = listensToQuestions
        self.ignore = ignore
        self.inviteFrom = inviteFrom
        self.botName = botName
    }
}

/// What went wrong talking to the homeserver.
enum MatrixError: Error, CustomStringConvertible {
    case http(status: Int, errcode: String, message: String)
    case badResponse(String)
    /// No complete answer in time: the request may or may not have taken effect.
    case timedOut(String)

    var description: String {
        switch self {
        case .http(let status, let errcode, let message): "HTTP \(status) \(errcode): \(message)"
        case .badResponse(let what): "unexpected response: \(what)"
        case .timedOut(let path): "no answer in time to \(path)"
        }
    }

    var errcode: String? {
        if case .http(_, let code, _) = self { return code }
        return nil
    }

    var status: Int? {
        if case .http(let status, _, _) = self { return status }
        return nil
    }
}
