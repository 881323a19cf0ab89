public import Foundation

/// Who may be offered to a member (`prefs asks-from`).
public enum AsksFrom: String, Sendable, Codable, CaseIterable {
    case anyone, channels, nobody
}

/// Everyone the bot has heard from; a member is a person who opted in.
public struct Person: Sendable, Equatable, Codable {
    public var identity: Identity
    /// The nick / display name last seen: replies address people by this.
    public var displayName: String
    /// nil: never opted in; false: opted out (topics kept); true: receives offers.
    public var optedIn: Bool?
    /// Paused until this time; `Date.distantFuture` for an `away` without a duration.
    public var awayUntil: Date?
    public var asksFrom: AsksFrom
    /// nil: the `max_offers_per_week` default from bot.conf.
    public var maxOffersPerWeek: Int?
    public var note: String?
    public var firstSeen: Date

    public init(identity: Identity, displayName: String, firstSeen: Date) {
        self.identity = identity
        self.displayName = displayName
        self.optedIn = nil
        self.awayUntil = nil
        self.asksFrom = .anyone
        self.maxOffersPerWeek = nil
        self.note = nil
        self.firstSeen = firstSeen
    }

    public func isAway(at now: Date) -> Bool {
        if let until = awayUntil { return until > now }
        return false
    }
}

/// One expertise entry of a member.
public struct Topic: Sendable, Equatable, Codable {
    public var id: Int64
    public var identity: Identity
    /// As the member typed it.
    public var text: String
    /// `TopicText.key`, for de-duplication and the `topics` listing.
    public var key: String
    /// `TopicText.analysis`: matching's view of the text, kept so start-up is fast.
    public var analysis: String?

    public init(id: Int64, identity: Identity, text: String, key: String, analysis: String? = nil) {
        self.id = id
        self.identity = identity
        self.text = text
        self.key = key
        self.analysis = analysis
    }
}
