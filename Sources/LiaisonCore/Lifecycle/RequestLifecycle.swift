public import Foundation

/// One request and its offers as a state machine (SPEC §3.3-§3.5): each event is one method
/// that changes the state and returns the effects, in order. It reads nothing and writes
/// nothing: the broker loads it from the store, applies the effects and saves what changed,
/// all in one transaction. Time comes in with each event, so tests drive it with any clock.
///
/// A request is `open` until it is fulfilled, cancelled or expired; an offer is `pending`
/// until its expert answers, it lapses or it is withdrawn. Ended states never change again.
public struct RequestLifecycle: Sendable, Equatable {
    /// The `[broker]` settings the lifecycle follows; their defaults live in `BrokerSettings` alone.
    public struct Rules: Sendable, Equatable {
        /// Introductions that fulfil a request (`intros_per_request`).
        public var introductionsPerRequest: Int
        /// How long after the first introduction the requester is asked whether it helped.
        public var followupAfter: TimeInterval
        /// Offers pending at once (`offers_per_request`).
        public var offersPerRequest: Int
        /// How long an offer waits for its answer (`offer_ttl`).
        public var offerTTL: TimeInterval

        public init(introductionsPerRequest: Int, followupAfter: TimeInterval, offersPerRequest: Int,
                    offerTTL: TimeInterval) {
            self.introductionsPerRequest = introductionsPerRequest
            self.followupAfter = followupAfter
            self.offersPerRequest = offersPerRequest
            self.offerTTL = offerTTL
        }
    }

    /// What can be true of an answer that the request's own state does not show.
    public struct AnswerFacts: Sendable, Equatable {
        /// The expert who answers is banned.
        public var expertBanned = false
        /// The requester is banned (whichever identity of theirs the ban names).
        public var requesterBanned = false

        public init(expertBanned: Bool = false, requesterBanned: Bool = false) {
            self.expertBanned = expertBanned
            self.requesterBanned = requesterBanned
        }
    }

    public private(set) var request: Request
    /// Every offer of the request, in the order they were made.
    public private(set) var offers: [Offer]
    /// Introductions made on it so far.
    public private(set) var introductions: Int
    public let rules: Rules

    public init(request: Request, offers: [Offer], introductions: Int, rules: Rules) {
        self.request = request
        self.offers = offers
        self.introductions = introductions
        self.rules = rules
    }

    public var pendingOffers: [Offer] { offers.filter { $0.status == .pending } }

    /// The expert answers their offer. Refused, with the state unchanged, when they have no
    /// offer on it, it was already settled, or either person is banned.
    public mutating func answer(by expert: Identity, accept: Bool, facts: AnswerFacts = AnswerFacts(),
                                now: Date) throws -> [LifecycleEffect] {
        guard let i = offers.firstIndex(where: { $0.expert == expert }) else { throw Self.noOffer(request.id) }
        guard offers[i].status == .pending else {
            let said: String = switch offers[i].status {
            case .accepted: "you already accepted it"
            case .declined: "you already declined it"
            case .expired: "it lapsed"
            case .withdrawn: "it was withdrawn"
            case .pending: "it is pending"
            }
            throw Refusal("Offer #\(request.id) can't be answered any more: \(said).")
        }
        if accept {
            if facts.expertBanned { throw Refusal.banned }
            // Nobody is introduced to a banned person, and the banned person is not told why.
            if facts.requesterBanned { throw Refusal("Offer #\(request.id) can't be answered any more: it was withdrawn.") }
        }
        offers[i].answeredAt = now
        offers[i].status = accept ? .accepted : .declined
        guard accept else { return [.declined(offers[i]), .refill] }
        introductions += 1
        var effects: [LifecycleEffect] = [.introduce(expert: expert)]
        if request.followupAt == nil { request.followupAt = now.addingTimeInterval(rules.followupAfter) }
        if introductions >= rules.introductionsPerRequest, request.status == .open {
            request.status = .fulfilled
            effects += withdrawPending(.fulfilled, now: now)
        }
        return effects
    }

    /// The request ends before it is fulfilled; its pending offers are withdrawn. A requester
    /// who cancels is not asked later whether an introduction helped.
    public mutating func cancel(_ reason: WithdrawalReason, now: Date) -> [LifecycleEffect] {
        guard request.status == .open else { return [] }
        request.status = .cancelled
        if reason == .cancelled { request.followupAt = nil }
        return withdrawPending(reason, now: now)
    }

    /// `request_ttl` passed: pending offers are withdrawn and the requester hears how it ended.
    public mutating func expire(now: Date) -> [LifecycleEffect] {
        guard request.status == .open else { return [] }
        request.status = .expired
        return withdrawPending(.expired, now: now) + [.closed(introductions: introductions)]
    }

    /// The expert's offer ran out its time unanswered.
    public mutating func lapse(offerTo expert: Identity) -> [LifecycleEffect] {
        guard let i = offers.firstIndex(where: { $0.expert == expert && $0.status == .pending }) else { return [] }
        offers[i].status = .expired
        return [.lapsed(offers[i])]
    }

    /// The follow-up time came: the requester is asked once whether the introductions made
    /// on it helped, unless every one of them was thanked already.
    public mutating func followupDue(_ made: [Introduction]) -> [LifecycleEffect] {
        guard request.followupAt != nil else { return [] }
        request.followupAt = nil
        guard made.contains(where: { $0.thankedAt == nil }) else { return [] }
        return [.remind(experts: made.map(\.expert))]
    }

    /// The expert is banned, forgotten or removed: their offer ends and nothing is said to
    /// them; the request needs someone else once they are gone.
    public mutating func expertGone(_ expert: Identity, now: Date) -> [LifecycleEffect] {
        guard let i = offers.firstIndex(where: { $0.expert == expert && $0.status == .pending }) else { return [] }
        offers[i].status = .withdrawn
        offers[i].answeredAt = now
        return [.withdrawn(offers[i], .expertGone)]
    }

    /// A request just recorded: `knowing` members know about it, `candidates` are the best
    /// of them this requester may ask. The requester hears first, then the offers go. When
    /// nobody knows about it they are told so at once; when some do but none may be asked
    /// (blocks, asks-from, limits), that is said only when offers would have lapsed anyway.
    public mutating func open(candidates: [Identity], knowing: Int, now: Date) -> [LifecycleEffect] {
        guard request.status == .open, offers.isEmpty else { return [] }
        let chosen = knowing == 0 ? [] : candidates.prefix(rules.offersPerRequest)
        if knowing == 0 {
            request.nobodyNotified = true
        } else if chosen.isEmpty {
            request.nobodyDueAt = now.addingTimeInterval(rules.offerTTL)
        }
        return [.opened(knowing: knowing)] + chosen.map { offer(to: $0, now: now) }
    }

    /// A member who became available (opted in, back from away, a new topic) and may be
    /// asked is offered the open request while fewer than `offers_per_request` offers are
    /// pending, if they never had an offer on it. `renewingDecline`: they declined it, then
    /// unblocked its requester, so their offer is made again.
    public mutating func offer(to expert: Identity, renewingDecline: Bool = false, now: Date) -> [LifecycleEffect] {
        guard request.status == .open, pendingOffers.count < rules.offersPerRequest else { return [] }
        let effect: LifecycleEffect
        if let i = offers.firstIndex(where: { $0.expert == expert }) {
            guard renewingDecline, offers[i].status == .declined else { return [] }
            offers[i].status = .pending
            offers[i].expiresAt = now.addingTimeInterval(rules.offerTTL)
            offers[i].answeredAt = nil
            effect = .offer(offers[i])
        } else {
            guard !renewingDecline else { return [] }
            effect = offer(to: expert, now: now)
        }
        // Someone new was asked: if they too cannot help, the requester may hear it again.
        request.nobodyNotified = false
        return [effect]
    }

    private mutating func offer(to expert: Identity, now: Date) -> LifecycleEffect {
        let offer = Offer(requestID: request.id, expert: expert, status: .pending, createdAt: now,
                          expiresAt: now.addingTimeInterval(rules.offerTTL))
        offers.append(offer)
        return .offer(offer)
    }

    /// An open request with no offer pending asks for members (SPEC §3.3).
    public var needsRefill: Bool { request.status == .open && !offers.contains { $0.status == .pending } }

    /// No offer is pending any more: the next-best `candidates` (ranked, eligible, never
    /// asked on this request) are offered it. When none are left the requester is told once
    /// that nobody was available, at the moment the offers would have lapsed anyway, so a
    /// decline or a block never shows in the timing of that notice; with an introduction
    /// made, nothing is said.
    public mutating func refill(candidates: [Identity], now: Date) -> [LifecycleEffect] {
        guard needsRefill else { return [] }
        let next = candidates.prefix(rules.offersPerRequest)
        guard next.isEmpty else {
            request.nobodyNotified = false
            request.nobodyDueAt = nil
            return next.map { offer(to: $0, now: now) }
        }
        guard !request.nobodyNotified else { return [] }
        let lapse = offers.map(\.expiresAt).max() ?? now
        if lapse > now {
            if request.nobodyDueAt == nil { request.nobodyDueAt = lapse }
            return []
        }
        request.nobodyNotified = true
        request.nobodyDueAt = nil
        return introductions == 0 ? [.nobodyAvailable] : []
    }

    /// The time to tell the requester that nobody was available came: the refill decides
    /// again, with no notice pending.
    public mutating func nobodyNoticeDue() -> [LifecycleEffect] {
        request.nobodyDueAt = nil
        return [.refill]
    }

    /// The one place pending offers end without their expert's answer.
    private mutating func withdrawPending(_ reason: WithdrawalReason, now: Date) -> [LifecycleEffect] {
        var effects: [LifecycleEffect] = []
        for i in offers.indices where offers[i].status == .pending {
            offers[i].status = .withdrawn
            offers[i].answeredAt = now
            effects.append(.withdrawn(offers[i], reason))
        }
        return effects
    }

    /// The expert blocked the requester: their pending offer, if any, is declined quietly
    /// (the requester is never told), and the request looks for someone else. Returns
    /// whether an offer was declined.
    public mutating func blocked(by expert: Identity, now: Date) -> (declined: Bool, effects: [LifecycleEffect]) {
        guard let i = offers.firstIndex(where: { $0.expert == expert }), offers[i].status == .pending else {
            return (false, [.refill])
        }
        offers[i].status = .declined
        offers[i].answeredAt = now
        return (true, [.refill])
    }

    public static func noOffer(_ id: Int64) -> Refusal { Refusal("You have no offer #\(id) to answer.") }

    /// The offers that differ from `before`'s, to save, and those made since, to create.
    public func changedOffers(since before: RequestLifecycle) -> (changed: [Offer], made: [Offer]) {
        (zip(offers, before.offers).compactMap { now, then in now == then ? nil : now },
         Array(offers.dropFirst(before.offers.count)))
    }
}
