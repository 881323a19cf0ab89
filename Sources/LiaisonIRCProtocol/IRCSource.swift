/// The source of a message split into its parts: `nick!user@host`, `nick@host`, `nick`,
/// or a server name (which lands in `nick`).
public struct IRCSource: Sendable, Equatable {
    /// The nick, or the whole source when it is a server name.
    public var nick: String
    /// The user (ident) part, nil when absent or empty.
    public var user: String?
    /// The host part, nil when absent or empty.
    public var host: String?

    /// Makes a source from its parts.
    public init(nick: String, user: String? = nil, host: String? = nil) {
        self.nick = nick
        self.user = user
        self.host = host
    }

    /// True for a server source such as `irc.example.com`: nicks cannot contain '.', and
    /// a server never has a user or host part.
    public var isServer: Bool {
        user == nil && host == nil && nick.contains(".")
    }

    /// Splits a source at the first '!' and the first '@' after it. Never fails: whatever
    /// is not a user or host is the nick, so odd servers still yield something usable.
    /// Control codes in a host (some networks send coloured vhosts) are kept as they are.
    public static func parse(_ s: String) -> IRCSource {
        // Bytes rather than Characters: a '!' followed by a combining mark is one
        // Character, yet still the separator.
        let bytes = Array(s.utf8)
        let bang = UInt8(ascii: "!"), at = UInt8(ascii: "@")
        let nickEnd = bytes.firstIndex(where: { $0 == bang || $0 == at }) ?? bytes.endIndex
        let nick = String(decoding: bytes[..<nickEnd], as: UTF8.self)
        guard nickEnd < bytes.endIndex else { return IRCSource(nick: nick) }

        var user: ArraySlice<UInt8>?
        var host: ArraySlice<UInt8>?
        if bytes[nickEnd] == bang {
            let rest = bytes[(nickEnd + 1)...]
            if let atIndex = rest.firstIndex(of: at) {
                user = rest[..<atIndex]
                host = rest[(atIndex + 1)...]
            } else {
                user = rest
            }
        } else {
            host = bytes[(nickEnd + 1)...]
        }
        return IRCSource(nick: nick, user: user.flatMap(nonEmpty), host: host.flatMap(nonEmpty))
    }

    private static func nonEmpty(_ part: ArraySlice<UInt8>) -> String? {
        part.isEmpty ? nil : String(decoding: part, as: UTF8.self)
    }
}
