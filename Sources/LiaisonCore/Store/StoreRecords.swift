public import Foundation

// The coarse store protocol's values (docs/STORE-PROTOCOL.md §2.2-§2.4): what an operation
// reads in one load, and what it writes in one apply. A broker operation loads, decides on
// the values alone, then applies; the store re-checks at write time, through the versions
// the load saw, that nothing the decision read has changed since.

/// The version of a row a decision depended on (request rows, with their offers and
/// introductions; member rows, with their topics, blocks, links and bans).
public enum RowVersion: Sendable, Hashable {
    /// The decision saw no row.
    case absent
    case at(Int64)

    init(_ version: Int64?) { self = version.map(RowVersion.at) ?? .absent }
}

/// What an apply re-checks before it writes anything; one that fails throws `StoreConflict`.
public enum Guard: Sendable, Hashable {
    case request(Int64, RowVersion)
    case member(Identity, RowVersion)
}

/// A guarded row changed between the load and the apply: nothing was written. The operation
/// is loaded and decided again.
public struct StoreConflict: Error, Sendable, Equatable, CustomStringConvertible {
    public let failed: Guard
    public init(_ failed: Guard) { self.failed = failed }
    public var description: String { "a row changed while the change was decided: \(failed)" }
}

/// What an incoming event leaves behind, whatever it asks for: its seen mark (an event with
/// an id is handled once, across restarts), the sender's display name as the network gives it
/// now (only for someone who has a row), and the channel of a console line (SPEC §7).
public struct EventStamp: Sendable, Equatable {
    public var network: String
    public var eventID: String?
    public var sender: Identity
    public var displayName: String
    public var consoleChannel: String?
    public var at: Date

    public init(network: String, eventID: String?, sender: Identity, displayName: String, consoleChannel: String?, at: Date) {
        self.network = network
        self.eventID = eventID
        self.sender = sender
        self.displayName = displayName
        self.consoleChannel = consoleChannel
        self.at = at
    }
}

/// Where people are, as stored: the member each identity is linked to, each member's linked
/// identities, and the channels remembered for each identity (the console's). Live networks'
/// channels are in the broker's memory, which merges them in (`Broker.channels(of:facts:)`).
public struct ChannelFacts: Sendable, Equatable {
    /// The identities these facts were read for.
    public var ids: [Identity] = []
    public var memberOf: [Identity: Identity] = [:]
    public var linked: [Identity: [Identity]] = [:]
    public var stored: [Identity: Set<String>] = [:]
    public init() {}
}

/// What eligibility (SPEC §4) and ranking read of the store for the members a search hit,
/// in one go, whatever their number.
public struct CandidatePool: Sendable {
    /// The known ones among the candidates.
    public var people: [Identity: Person] = [:]
    /// Versions of the candidates' member rows, for the guards of the offers made to them.
    public var versions: [Identity: Int64] = [:]
    /// Those already offered the request.
    public var offered: Set<Identity> = []
    public var requesterBanned = false
    /// Channels of the requester and of the candidates the person rows alone do not rule out.
    public var channels = ChannelFacts()
    /// The rest is read only for the candidates the person rows alone do not rule out.
    public var banned: Set<Identity> = []
    /// Those who blocked the requester.
    public var blockers: Set<Identity> = []
    /// Offers of the last 7 days, and thanks ever (absent: none).
    public var offersThisWeek: [Identity: Int] = [:]
    public var thanks: [Identity: Int] = [:]
    public init() {}
}

/// Everything `ask` decides from (SPEC §3.1), for the members the index hit.
public struct AskContext: Sendable {
    /// The asking member's row (nil: never stored) and its version.
    public var requester: Person?
    public var requesterVersion: RowVersion
    public var requesterBanned: Bool
    /// Their open request with the same key, if any.
    public var openWithKey: Request?
    public var openCount: Int
    /// Requests they made in the last 24 hours.
    public var askedToday: Int
    /// Bans among the opted-in members hit (what the count of those who know leaves out).
    public var bannedKnowing: Set<Identity>
    public var pool: CandidatePool
    /// The id the request gets if it is recorded.
    public var nextRequestID: Int64
}

/// `StoreTransaction.requesterCounts`: an asker's row version (nil: no row), counts of their
/// requests, their open request with the key asked about, and the next request's id.
public struct RequesterCounts: Sendable, Equatable {
    public var version: Int64?
    public var openCount: Int
    public var madeSince: Int
    public var openWithKey: Request?
    public var nextRequestID: Int64

    public init(version: Int64?, openCount: Int, madeSince: Int, openWithKey: Request?, nextRequestID: Int64) {
        self.version = version
        self.openCount = openCount
        self.madeSince = madeSince
        self.openWithKey = openWithKey
        self.nextRequestID = nextRequestID
    }
}

/// What an offer's text says of the expert beside the request: the topics they listed and
/// what they have in common with the requester.
public struct OfferDetails: Sendable {
    public var topics: [String]
    /// The people each of the two was introduced to before.
    public var expertCounterparts: Set<Identity>
}

/// `ask`'s one write: the request, its first offers, the reply and the offer messages, and
/// the requester's person row when they have none yet.
public struct NewRequest: Sendable {
    public var guards: [Guard]
    public var newRequester: Person?
    /// With the id `AskContext.nextRequestID` gave.
    public var request: Request
    public var sourceEvent: String?
    public var offers: [Offer]
    /// In delivery order: the reply where it was asked first, then the private offers.
    public var messages: [OutboxDraft]

    public init(guards: [Guard], newRequester: Person?, request: Request, sourceEvent: String?, offers: [Offer],
                messages: [OutboxDraft]) {
        self.guards = guards
        self.newRequester = newRequester
        self.request = request
        self.sourceEvent = sourceEvent
        self.offers = offers
        self.messages = messages
    }
}

/// A request as its lifecycle decisions need it: the row and its version, its offers, how
/// many introductions it made, and the people its messages name (the requester and every
/// expert with an offer).
public struct RequestContext: Sendable {
    public var request: Request
    public var version: RowVersion
    public var offers: [Offer]
    public var introductions: Int
    public var people: [Identity: Person]
}

/// An outbox row, maybe conditional on an undelivered offer: when the offer to `expert` on
/// request `requestID` is still waiting in the outbox, the write deletes it and drops this
/// message too (an expert who never saw an offer hears nothing of its end).
public struct QueuedMessage: Sendable {
    public var draft: OutboxDraft
    public var unlessUnsentOfferOf: Int64?

    public init(_ draft: OutboxDraft, unlessUnsentOfferOf requestID: Int64? = nil) {
        self.draft = draft
        self.unlessUnsentOfferOf = requestID
    }
}

/// Everything one lifecycle event changes of one request, written as one: the row, its
/// offers, new introductions and the messages, in order.
public struct RequestChanges: Sendable {
    public var guards: [Guard]
    /// The row as it is now, when it changed.
    public var request: Request?
    public var changedOffers: [Offer]
    public var newOffers: [Offer]
    /// New ones; the store gives them their ids.
    public var introductions: [Introduction]
    /// Introductions the requester thanked for (`thankedAt` set).
    public var thanked: [Introduction] = []
    /// Blocks of the request's requester by one of its experts, made or undone.
    public var blocks: [BlockChange] = []
    public var messages: [QueuedMessage]
    public var at: Date

    public init(guards: [Guard], request: Request?, changedOffers: [Offer], newOffers: [Offer],
                introductions: [Introduction], messages: [QueuedMessage], at: Date) {
        self.guards = guards
        self.request = request
        self.changedOffers = changedOffers
        self.newOffers = newOffers
        self.introductions = introductions
        self.messages = messages
        self.at = at
    }
}

/// A member's own rows as their commands decide on them.
public struct MemberContext: Sendable {
    public var member: Identity
    /// nil: never stored.
    public var person: Person?
    public var version: RowVersion
    public var topics: [Topic]
    public var banned: Bool
}

/// A topic to add: as typed, with its key and analysis.
public struct NewTopic: Sendable, Equatable {
    public var text: String
    public var key: String
    public var analysis: String

    public init(_ text: String) {
        self.text = text
        key = TopicText.key(text)
        analysis = TopicText.analysis(text)
    }
}

/// A member's change to their own rows (opt-in, away, preferences, topics) and the replies
/// it sends, written as one.
public struct MemberChanges: Sendable {
    public var guards: [Guard]
    public var member: Identity
    /// The row as it is now, when it changed (or is new).
    public var person: Person?
    public var addTopics: [NewTopic] = []
    public var removeTopics: [Int64] = []
    public var messages: [QueuedMessage] = []
    public var at: Date

    public init(_ context: MemberContext, person: Person? = nil, messages: [QueuedMessage] = [], at: Date) {
        guards = [.member(context.member, context.version)]
        member = context.member
        self.person = person
        self.messages = messages
        self.at = at
    }
}

/// A block of a requester by an expert (kept as a digest of the blocked identity).
public enum BlockChange: Sendable, Equatable {
    case add(blocker: Identity, blocked: Identity, requestID: Int64)
    case remove(blocker: Identity, blocked: Identity)
}

/// An entry of the admin audit log: `action` may hold "{subject}" for the identity acted on.
public struct AuditNote: Sendable, Equatable {
    public var actor: Identity
    public var action: String
    public var subject: Identity?

    public init(actor: Identity, action: String, subject: Identity? = nil) {
        self.actor = actor
        self.action = action
        self.subject = subject
    }
}

/// Directory-wide settings an admin or the server changes (bans, aliases, channel settings,
/// with the audit entries and messages they bring), written as one.
public struct AdminChanges: Sendable {
    public var guards: [Guard] = []
    public var bans: [Ban] = []
    public var unbans: [Identity] = []
    public var setAliases: [Alias] = []
    public var removeAliases: [String] = []
    public var channelSettings: [ChannelSetting] = []
    public var audit: [AuditNote] = []
    public var messages: [QueuedMessage] = []
    public var at: Date

    public init(at: Date) { self.at = at }
}
