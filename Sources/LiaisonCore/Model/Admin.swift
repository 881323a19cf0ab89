public import Foundation

public struct Ban: Sendable, Equatable, Codable {
    public var identity: Identity
    public var reason: String?
    public var bannedBy: Identity
    public var createdAt: Date

    public init(identity: Identity, reason: String?, bannedBy: Identity, createdAt: Date) {
        self.identity = identity
        self.reason = reason
        self.bannedBy = bannedBy
        self.createdAt = createdAt
    }
}

public struct Alias: Sendable, Equatable, Codable {
    public var alias: String
    public var topic: String

    public init(alias: String, topic: String) {
        self.alias = alias
        self.topic = topic
    }
}

public struct AuditEntry: Sendable, Equatable, Codable {
    /// `action` with `{subject}` replaced by the identity acted on, or "(forgotten)".
    public var describedAction: String {
        action.replacingOccurrences(of: "{subject}", with: subject?.raw ?? "(forgotten)")
    }

    public var id: Int64
    public var at: Date
    public var actor: Identity
    public var action: String
    /// The identity acted on, kept apart so `forget` can scrub it.
    public var subject: Identity?

    public init(id: Int64, at: Date, actor: Identity, action: String, subject: Identity?) {
        self.id = id
        self.at = at
        self.actor = actor
        self.action = action
        self.subject = subject
    }
}

/// A channel's persisted state: `admin join` / `admin part` / `admin quiet`, and kicks.
public struct ChannelSetting: Sendable, Equatable, Codable {
    public var network: String
    public var channel: String
    /// nil: follow bot.conf; true: joined by an admin; false: parted or kicked.
    public var joined: Bool?
    public var quiet: Bool

    public init(network: String, channel: String, joined: Bool?, quiet: Bool) {
        self.network = network
        self.channel = channel
        self.joined = joined
        self.quiet = quiet
    }
}

/// Figures for `admin stats`.
public struct Stats: Sendable, Equatable {
    public var members = 0
    /// A member linked across networks counts on each network they have an identity on.
    public var membersPerNetwork: [String: Int] = [:]
    /// Members with identities on more than one network.
    public var linkedMembers = 0
    public var topics = 0
    public var requests = 0
    public var openRequests = 0
    public var offers = 0
    public var acceptedOffers = 0
    public var declinedOffers = 0
    public var expiredOffers = 0
    public var introductions = 0
    public var thanks = 0
    /// Experts by introductions given, with how many were thanked.
    public var topGivers: [Giver] = []

    /// One of `topGivers`.
    public struct Giver: Sendable, Equatable {
        public var identity: Identity
        public var displayName: String
        public var introductions: Int
        public var thanked: Int

        public init(identity: Identity, displayName: String, introductions: Int, thanked: Int) {
            self.identity = identity
            self.displayName = displayName
            self.introductions = introductions
            self.thanked = thanked
        }
    }

    public init() {}
}
