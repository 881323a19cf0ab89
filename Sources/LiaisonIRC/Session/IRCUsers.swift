public import LiaisonIRCProtocol
public import Foundation

/// Who is where on one IRC network, and which services account each nick is logged in to.
/// Fed by JOIN (extended-join), PART, KICK, QUIT, NICK, ACCOUNT, AWAY, NAMES and WHOX.
public struct IRCUsers: Sendable {
    public struct User: Sendable, Equatable {
        public var nick: String
        public var user: String?
        public var host: String?
        /// nil: unknown; "": known not to be logged in.
        public var account: String?
        /// Folded channel names.
        public var channels: Set<String> = []
        /// When the account was last confirmed by the server (a tag, WHOX, a JOIN). Outside
        /// shared channels the bot sees no QUIT, so only a fresh confirmation counts.
        public var confirmed: Date?
        /// The server's away status (AWAY, the WHOX/WHO H or G flag, 301): nil unknown.
        public var away: Bool?
        /// When an AWAY notification last changed it (news of a change, unlike a report).
        public var awayChanged: Date?
        /// When a WHOX/WHO reply or a 301 last reported it.
        public var awayReported: Date?
        /// When they last said something (a message, a notice, a typing notification).
        public var active: Date?

        /// How long a line they sent counts as someone being there.
        public static let activeWindow: TimeInterval = 60

        /// Whether a message to this nick now would reach someone who reads it. A server
        /// that keeps a nick present with nobody behind it (Ergo's always-on accounts, a
        /// bouncer) marks it away; a line they send shows someone is there after all.
        /// - live: every change is reported (a shared channel with `away-notify`);
        /// - canAsk: WHOX can report it, so a stale report is `.unknown` (ask), not `.here`.
        public func presence(now: Date, live: Bool, canAsk: Bool) -> Presence {
            if let active, now.timeIntervalSince(active) < Self.activeWindow, awayChanged.map({ active >= $0 }) ?? true {
                return .here
            }
            if live || awayReported.map({ now.timeIntervalSince($0) < 3 }) == true {
                return away == true ? .away : .here
            }
            return canAsk ? .unknown : .here
        }
    }

    public enum Presence: Sendable, Equatable {
        case here, away
        /// Not known well enough: ask the server (WHOX) first.
        case unknown
    }

    public var casemapping: IRCCasemapping = .rfc1459
    /// By folded nick.
    public private(set) var users: [String: User] = [:]
    /// Channels the bot is in: folded name -> name as joined.
    public private(set) var channels: [String: String] = [:]

    public init() {}

    public func fold(_ s: String) -> String { casemapping.fold(s) }

    public func user(_ nick: String) -> User? { users[fold(nick)] }

    /// Nicks currently logged in to `account` (folded comparison).
    public func nicks(loggedInTo account: String) -> [String] {
        let wanted = fold(account)
        return users.values.filter { $0.account.map { !$0.isEmpty && fold($0) == wanted } ?? false }
            .map(\.nick).sorted()
    }

    public mutating func reset() {
        users = [:]
        channels = [:]
    }

    /// Learns a nick's user@host and, when known, account; creates the user if needed.
    public mutating func see(_ nick: String, user: String? = nil, host: String? = nil, account: String?? = .none,
                             confirmedAt: Date? = nil) {
        let key = fold(nick)
        var u = users[key] ?? User(nick: nick)
        u.nick = nick
        // Another connection under the same nick is another person until proven otherwise.
        if (user != nil && u.user != nil && user != u.user) || (host != nil && u.host != nil && host != u.host) {
            u.account = nil
            u.confirmed = nil
            u.away = nil
            u.awayChanged = nil
            u.awayReported = nil
            u.active = nil
        }
        if let user { u.user = user }
        if let host { u.host = host }
        if case .some(let value) = account { u.account = value }
        if let confirmedAt { u.confirmed = confirmedAt }
        users[key] = u
        if users.count > Self.strangerLimit * 2 { forgetStrangers() }
    }

    /// People seen only in private messages are never seen to quit, so without a bound the
    /// table would grow with every nick that ever wrote to the bot. Past the limit, those in
    /// no shared channel are forgotten, least recently confirmed first; the next line from
    /// one of them (or a WHO) finds them again.
    public static let strangerLimit = 10_000

    mutating func forgetStrangers() {
        let strangers = users.filter { $0.value.channels.isEmpty }
            .sorted { ($0.value.confirmed ?? .distantPast) < ($1.value.confirmed ?? .distantPast) }
        for (key, _) in strangers.prefix(max(0, users.count - Self.strangerLimit)) { users[key] = nil }
    }

    /// AWAY (away-notify): `away` with a message, back without one.
    public mutating func awayChanged(_ nick: String, away: Bool, at now: Date) {
        see(nick)
        users[fold(nick)]?.away = away
        users[fold(nick)]?.awayChanged = now
    }

    /// A WHOX/WHO flag (H here, G gone) or a 301 reply reported the away status.
    public mutating func awayReported(_ nick: String, away: Bool, at now: Date) {
        see(nick)
        users[fold(nick)]?.away = away
        users[fold(nick)]?.awayReported = now
    }

    /// They said something: someone is at the keyboard now, whatever the away status says.
    public mutating func spoke(_ nick: String, at now: Date) {
        users[fold(nick)]?.active = now
    }

    public mutating func botJoined(_ channel: String) {
        channels[fold(channel)] = channel
    }

    /// The bot left (part, kick): nobody is known to be there any more.
    public mutating func botLeft(_ channel: String) {
        let key = fold(channel)
        channels[key] = nil
        for (nick, var u) in users where u.channels.contains(key) {
            u.channels.remove(key)
            users[nick] = u
        }
    }

    public mutating func joined(_ nick: String, _ channel: String) {
        see(nick)
        let (key, channelKey) = (fold(nick), fold(channel))
        users[key]?.channels.insert(channelKey)
    }

    public mutating func left(_ nick: String, _ channel: String) {
        let (key, channelKey) = (fold(nick), fold(channel))
        users[key]?.channels.remove(channelKey)
    }

    @discardableResult
    public mutating func quit(_ nick: String) -> User? {
        users.removeValue(forKey: fold(nick))
    }

    /// NICK: the same person under a new nick. Returns the user as it was.
    @discardableResult
    public mutating func renamed(_ old: String, to new: String) -> User? {
        guard var u = users.removeValue(forKey: fold(old)) else { return nil }
        let before = u
        u.nick = new
        users[fold(new)] = u
        return before
    }

    /// The display name of a channel the bot is in.
    public func channelName(_ folded: String) -> String { channels[folded] ?? folded }
}
