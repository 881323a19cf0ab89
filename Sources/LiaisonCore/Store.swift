public import Foundation

/// What the broker needs from persistence. LiaisonStore implements it on SQLite; a later
/// store (PostgreSQL, several bot processes) implements the same protocol.
///
/// Every broker operation runs inside one `transaction`: its state changes and the messages
/// they cause (the outbox) commit together or not at all.
public protocol Store: AnyObject {
    func transaction<T>(_ body: (any StoreTransaction) throws -> T) throws -> T
    /// Messages committed but not yet delivered and not expired at `now`, oldest first from
    /// after id `after`, leaving out those for `waiting` targets (people the transport cannot
    /// reach now), so that however many wait, they never hold up messages for anyone else.
    func pendingOutbox(network: String, now: Date, waiting: Set<Target>, after: Int64, limit: Int) throws -> [OutboxEntry]
    /// Delivered: removed from the outbox.
    func markSent(_ ids: [Int64]) throws
    /// Written to the network but not yet confirmed (`OutboxEntry.writtenAt`).
    func markWritten(_ ids: [Int64], at: Date) throws
    /// Every topic in id order, one at a time: start-up at a million topics need not hold
    /// them all. `prepare` runs where the store reads the topics (SQLite reads on a second
    /// thread), so what it works out of each topic is off the caller's path.
    func forEachTopic<Prepared: Sendable>(prepare: @escaping @Sendable (Topic) -> Prepared,
                                          _ body: (Topic, Prepared) throws -> Void) throws
    func topicCount() throws -> Int
    func allAliases() throws -> [Alias]
    /// Channel settings persisted by admin commands and kicks.
    func channelSettings() throws -> [ChannelSetting]
    /// Transport state outside any event (the sync position, rooms), committed at once.
    func networkState(network: String, key: String) throws -> String?
    func setNetworkState(network: String, key: String, value: String?) throws
}

extension Store {
    /// Every topic in id order, one at a time.
    public func forEachTopic(_ body: (Topic) throws -> Void) throws {
        try forEachTopic(prepare: { _ in () }) { topic, _ in try body(topic) }
    }

    /// Every pending message of the network (tests, the console).
    public func pendingOutbox(network: String, limit: Int) throws -> [OutboxEntry] {
        try pendingOutbox(network: network, now: .distantPast, waiting: [], after: 0, limit: limit)
    }
}

extension StoreTransaction {
    public func enqueue(_ kind: OutboxKind, to target: Target, text: String, about: Set<Identity> = [], at: Date) throws {
        try enqueue(OutboxDraft(kind, to: target, text: text, about: about), at: at)
    }
}

/// The batched reads one id at a time: what they must return, for a store that has nothing
/// faster (SQLite reads each kind in one query).
extension StoreTransaction {
    public func requesterCounts(of requester: Identity, key: String, since: Date) throws -> RequesterCounts {
        RequesterCounts(version: try versions(ofMembers: [requester])[requester], openCount: try openRequestCount(of: requester),
                        madeSince: try requestCount(of: requester, since: since),
                        openWithKey: try openRequest(of: requester, key: key), nextRequestID: try nextRequestID())
    }

    public func channels(of ids: [Identity]) throws -> [Identity: Set<String>] {
        try Self.each(ids) { try channels(of: $0).nilIfEmpty }
    }

    public func members(of ids: [Identity]) throws -> [Identity: Identity] {
        try Self.each(ids) { try member(of: $0) }
    }

    public func linkedIdentities(of members: [Identity]) throws -> [Identity: [Identity]] {
        try Self.each(members) { try linkedIdentities(of: $0).nilIfEmpty }
    }

    public func offerCounts(experts: [Identity], since: Date) throws -> [Identity: Int] {
        try Self.each(experts) { try offerCount(expert: $0, since: since).nilIfZero }
    }

    public func thanksCounts(experts: [Identity]) throws -> [Identity: Int] {
        try Self.each(experts) { try thanksCount(expert: $0).nilIfZero }
    }

    public func blockers(among blockers: [Identity], blocking blocked: Identity) throws -> Set<Identity> {
        Set(try blockers.filter { try isBlocked(blocker: $0, blocked: blocked) })
    }

    public func banned(among ids: [Identity]) throws -> Set<Identity> {
        Set(try ids.filter { try isBanned($0) })
    }

    private static func each<V>(_ ids: [Identity], _ read: (Identity) throws -> V?) throws -> [Identity: V] {
        var out: [Identity: V] = [:]
        for id in ids where out[id] == nil {
            if let value = try read(id) { out[id] = value }
        }
        return out
    }
}

private extension Collection {
    var nilIfEmpty: Self? { isEmpty ? nil : self }
}

private extension Int {
    var nilIfZero: Int? { self == 0 ? nil : self }
}

/// The operations available inside one transaction.
public protocol StoreTransaction {
    // People and members
    func person(_ id: Identity) throws -> Person?
    /// Those of `ids` that are known, in one read (an ask checks up to 200 candidates).
    func people(_ ids: [Identity]) throws -> [Identity: Person]
    func savePerson(_ person: Person) throws
    func members(optedInOnly: Bool) throws -> [Person]

    // Linked identities (one member across networks)
    /// The member `id` is linked to; nil when it is not linked (it may be a member itself).
    func member(of id: Identity) throws -> Identity?
    /// The identities linked to `member` (not `member` itself).
    func linkedIdentities(of member: Identity) throws -> [Identity]
    /// `member(of:)` of each of `ids` in one read; those not linked are left out.
    func members(of ids: [Identity]) throws -> [Identity: Identity]
    /// `linkedIdentities(of:)` of each of `members` in one read; those with none are left out.
    func linkedIdentities(of members: [Identity]) throws -> [Identity: [Identity]]
    func link(_ id: Identity, to member: Identity, at: Date) throws
    func unlink(_ id: Identity) throws
    func repointLinks(from old: Identity, to new: Identity) throws
    func saveLinkCode(_ code: String, issuer: Identity, network: String, expiresAt: Date) throws
    /// Unexpired codes waiting to be redeemed from `network` (expired ones are deleted).
    func linkCodes(network: String, now: Date) throws -> [(code: String, issuer: Identity)]
    func deleteLinkCodes(issuer: Identity) throws
    func linkedMemberCount() throws -> Int
    /// Moves topics (one per key), block lists, requests, offers and introductions from
    /// `old` to `new`; returns the topics that moved.
    func rekey(from old: Identity, to new: Identity) throws -> [Topic]
    func deletePerson(_ id: Identity) throws

    // Topics
    func topics(of id: Identity) throws -> [Topic]
    /// nil when the member already has a topic with this key.
    func addTopic(_ identity: Identity, text: String, key: String, analysis: String) throws -> Topic?
    func removeTopic(id: Int64) throws
    func allTopics() throws -> [Topic]
    /// What `topics` lists: per key, the text it was first listed with and how many opted-in,
    /// unbanned members list it; the `limit` most listed (ties by text), and the number of
    /// keys in all. One aggregate query, however many topics there are.
    func topicCounts(limit: Int) throws -> (topics: [(text: String, members: Int)], total: Int)

    // Channel membership (who is in which channel, for common ground and asks-from)
    func recordChannelMember(_ id: Identity, channel: String) throws
    func channels(of id: Identity) throws -> Set<String>
    /// `channels(of:)` of each of `ids` in one read; those in no channel are left out.
    func channels(of ids: [Identity]) throws -> [Identity: Set<String>]

    // Requests
    func createRequest(_ request: Request) throws -> Request
    func request(_ id: Int64) throws -> Request?
    func saveRequest(_ request: Request) throws
    func requests(of requester: Identity, status: RequestStatus?) throws -> [Request]
    /// The requester's open request with this topic key, if any (an ask reads only this,
    /// however many requests they have open).
    func openRequest(of requester: Identity, key: String) throws -> Request?
    func openRequestCount(of requester: Identity) throws -> Int
    func requests(status: RequestStatus) throws -> [Request]
    /// Open requests with an id above `id`, in id order.
    func openRequests(after id: Int64) throws -> [Request]
    /// Those of `ids` that exist, in id order, in one read.
    func requests(ids: [Int64]) throws -> [Request]
    /// The largest request id there is (0: none yet).
    func lastRequestID() throws -> Int64
    func requestCount(of requester: Identity, since: Date) throws -> Int
    /// The id the next request recorded in this transaction gets: ids are never reused, so
    /// a decision can name "#N" before it writes (`createRequest` of a request with that id).
    func nextRequestID() throws -> Int64
    /// What an ask reads of its requester besides their row, in one read: their row's version,
    /// their open requests, those made since `since`, the open one with `key`, and the id the
    /// next request gets.
    func requesterCounts(of requester: Identity, key: String, since: Date) throws -> RequesterCounts

    // Row versions (docs/STORE-PROTOCOL.md §2.2): bumped by every change to a request (its
    // offers and introductions included) or a member (topics, blocks, links, bans included).
    /// Versions of those of `ids` that exist.
    func versions(ofRequests ids: [Int64]) throws -> [Int64: Int64]
    /// Versions of those of `members` that have a person row.
    func versions(ofMembers members: [Identity]) throws -> [Identity: Int64]

    // Offers
    func createOffer(_ offer: Offer) throws
    func offer(requestID: Int64, expert: Identity) throws -> Offer?
    func saveOffer(_ offer: Offer) throws
    func offers(requestID: Int64) throws -> [Offer]
    func offers(expert: Identity, status: OfferStatus?) throws -> [Offer]
    func offerCount(expert: Identity, since: Date) throws -> Int
    /// `offerCount(expert:since:)` of each of `experts` in one read; those with none are left out.
    func offerCounts(experts: [Identity], since: Date) throws -> [Identity: Int]

    // Introductions
    func createIntroduction(_ intro: Introduction) throws -> Introduction
    func introductions(requestID: Int64) throws -> [Introduction]
    func introductions(involving id: Identity) throws -> [Introduction]
    func saveIntroduction(_ intro: Introduction) throws
    func thanksCount(expert: Identity) throws -> Int
    /// `thanksCount(expert:)` of each of `experts` in one read; those with none are left out.
    func thanksCounts(experts: [Identity]) throws -> [Identity: Int]

    // Blocks: the blocked identity is kept only as a keyed digest (see the store).
    func addBlock(blocker: Identity, blocked: Identity, requestID: Int64, at: Date) throws -> Bool
    func removeBlock(blocker: Identity, blocked: Identity) throws -> Bool
    func isBlocked(blocker: Identity, blocked: Identity) throws -> Bool
    /// Whether `blocker` blocks every identity of `blocked`'s member already, so that
    /// `addBlock` would add nothing.
    func blocksAll(blocker: Identity, blocked: Identity) throws -> Bool
    /// Those of `blockers` for whom `isBlocked(blocker:blocked:)` holds, in one read.
    func blockers(among blockers: [Identity], blocking blocked: Identity) throws -> Set<Identity>
    /// Request ids the blocker blocked through, for `prefs`.
    func blockRequestIDs(blocker: Identity) throws -> [Int64]

    // Admin
    func ban(_ ban: Ban) throws
    func unban(_ id: Identity) throws -> Bool
    func bans() throws -> [Ban]
    func isBanned(_ id: Identity) throws -> Bool
    /// Those of `ids` for whom `isBanned` holds, in one read (an ask checks up to 200).
    func banned(among ids: [Identity]) throws -> Set<Identity>
    func setAlias(_ alias: Alias) throws
    func removeAlias(_ alias: String) throws -> Bool
    func aliases() throws -> [Alias]
    func appendAudit(actor: Identity, action: String, subject: Identity?, at: Date) throws
    func audit(limit: Int) throws -> [AuditEntry]
    func channelSetting(network: String, channel: String) throws -> ChannelSetting?
    func saveChannelSetting(_ setting: ChannelSetting) throws
    func stats(topGivers: Int) throws -> Stats

    // Timers
    /// The earliest due time of offer expiry, request expiry, follow-up or away end.
    func nextDueTime() throws -> Date?
    func expiredOffers(at now: Date) throws -> [Offer]
    func expiredRequests(at now: Date) throws -> [Request]
    func dueFollowups(at now: Date) throws -> [Request]
    /// Requests whose "nobody was available" notice has come due (see `Request.nobodyDueAt`).
    func nobodyNoticesDue(at now: Date) throws -> [Request]
    func awayEnded(at now: Date) throws -> [Person]

    // Outbox
    func enqueue(_ draft: OutboxDraft, at: Date) throws
    /// Removes the undelivered message that makes the offer of request `requestID` to
    /// `expert`; true when there was one (the expert never saw the offer).
    func unsentOffer(requestID: Int64, expert: Identity) throws -> Bool
    /// Drops messages whose time ran out unsent; returns how many.
    func dropExpiredOutbox(at now: Date) throws -> Int

    // Network state kept for transports (tokens, sync position, rooms) and seen events
    func networkState(network: String, key: String) throws -> String?
    func setNetworkState(network: String, key: String, value: String?) throws
    /// False when the event was already handled (a replayed sync): handle it only once.
    func markSeen(network: String, eventID: String, at: Date) throws -> Bool
    func request(sourceEvent: String) throws -> Request?
    func setSourceEvent(requestID: Int64, eventID: String) throws

    // Privacy
    /// Every stored row that refers to the identity, as (table, readable row) pairs.
    func dataReferring(to id: Identity) throws -> [(table: String, row: String)]
    /// Deletes every row that refers to the identity; introductions survive only as counts.
    func forget(_ id: Identity) throws
}
