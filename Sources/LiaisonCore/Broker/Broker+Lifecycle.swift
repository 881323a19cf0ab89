import Foundation

extension Broker {
    var lifecycleRules: RequestLifecycle.Rules {
        RequestLifecycle.Rules(introductionsPerRequest: settings.introsPerRequest, followupAfter: settings.followupAfter,
                               offersPerRequest: settings.offersPerRequest, offerTTL: settings.offerTTL)
    }

    /// The request as its state machine, read from the store.
    func lifecycle(of request: Request, tx: any StoreTransaction) throws -> RequestLifecycle {
        RequestLifecycle(request: request, offers: try tx.offers(requestID: request.id),
                         introductions: try tx.introductions(requestID: request.id).count, rules: lifecycleRules)
    }

    /// Runs one lifecycle event on `request`: saves what it changed, then carries out its
    /// effects in order, in the running transaction. A refusal changes nothing.
    @discardableResult
    func run(_ request: Request, tx: any StoreTransaction, now: Date, ctx: CommandContext? = nil,
             _ event: (inout RequestLifecycle) throws -> [LifecycleEffect]) throws -> [LifecycleEffect] {
        try run(try lifecycle(of: request, tx: tx), tx: tx, now: now, ctx: ctx, event)
    }

    /// The same, on a lifecycle already read in this transaction.
    @discardableResult
    func run(_ before: RequestLifecycle, tx: any StoreTransaction, now: Date, ctx: CommandContext? = nil,
             _ event: (inout RequestLifecycle) throws -> [LifecycleEffect]) throws -> [LifecycleEffect] {
        var after = before
        let effects = try event(&after)
        if after.request != before.request { try tx.saveRequest(after.request) }
        let offers = after.changedOffers(since: before)
        for offer in offers.changed { try tx.saveOffer(offer) }
        for offer in offers.made { try tx.createOffer(offer) }
        for effect in effects { try carryOut(effect, of: after.request, tx: tx, now: now, ctx: ctx) }
        return effects
    }

    /// One effect, in words for whoever reads it (SPEC §3.3-§3.5).
    private func carryOut(_ effect: LifecycleEffect, of request: Request, tx: any StoreTransaction, now: Date,
                          ctx: CommandContext?) throws {
        switch effect {
        case .opened(let knowing):
            try ctx?.reply(openedReply(request, knowing: knowing))
        case .offer(let offer):
            try sendOffer(request, offer, tx: tx, now: now)
        case .nobodyAvailable:
            try tx.enqueue(.message, to: .person(request.requester),
                           text: "Nobody was available for request #\(request.id) (\(request.topic)) this time. It stays open until \(Text.date(request.expiresAt)), and I'll ask anyone new who knows about it.",
                           at: now)
        case .introduce(let expert):
            try introduce(request, expert: expert, tx: tx, now: now)
        case .declined(let offer):
            try ctx?.reply("Declined offer #\(offer.requestID). \(try tx.person(request.requester)?.displayName ?? "The requester") won't be told.",
                           about: [request.requester])
        case .withdrawn(let offer, let reason):
            guard let note = Self.withdrawalNote(reason, request) else { return }
            // A message that lost its point before it could be delivered is not delivered:
            // an expert who never saw the offer gets neither it nor its withdrawal.
            guard try !tx.unsentOffer(requestID: request.id, expert: offer.expert) else { return }
            try tx.enqueue(.message, to: .person(offer.expert), text: note, about: [request.requester], at: now)
        case .lapsed(let offer):
            // An offer that never reached its expert lapses quietly: there is nothing to answer.
            guard try !tx.unsentOffer(requestID: request.id, expert: offer.expert) else { return }
            try tx.enqueue(.message, to: .person(offer.expert),
                           text: "Offer #\(request.id) (\(request.topic)) lapsed without an answer; nothing more to do.",
                           about: [request.requester], at: now)
        case .refill:
            try refill(request, tx: tx, now: now)
        case .remind(let experts):
            var names: [String] = []
            for expert in experts { names.append(try tx.person(expert)?.displayName ?? expert.id) }
            try tx.enqueue(.message, to: .person(request.requester),
                           text: "Did the introduction to \(Text.list(names)) on #\(request.id) (\(request.topic)) help? If it did, \"thanks \(request.id)\" passes your thanks on.",
                           about: Set(experts), at: now)
        case .closed(let introductions):
            let text = introductions == 0
                ? "Request #\(request.id) (\(request.topic)) expired without an introduction. Ask again any time."
                : "Request #\(request.id) (\(request.topic)) is now closed, with \(Text.plural(introductions, "introduction"))."
            try tx.enqueue(.message, to: .person(request.requester), text: text, at: now)
        }
    }

    /// What an expert is told when their offer ends for `reason` (nil: nothing).
    static func withdrawalNote(_ reason: WithdrawalReason, _ request: Request) -> String? {
        switch reason {
        case .cancelled: "Request #\(request.id) (\(request.topic)) was cancelled; no need to answer."
        case .requesterLeft: "Offer #\(request.id) was withdrawn: the requester left. No need to answer."
        case .requestDeleted: "Offer #\(request.id) (\(request.topic)) was withdrawn: the request was deleted. No need to answer."
        case .removed: "Offer #\(request.id) was withdrawn; no need to answer."
        case .fulfilled: "Offer #\(request.id) (\(request.topic)) is no longer needed: someone else said yes. Thanks anyway!"
        case .expired: "Offer #\(request.id) (\(request.topic)) expired with the request; no need to answer."
        case .expertGone: nil
        }
    }

    /// When no offer of an open request is pending any more, ask the next-best members; when
    /// none are left, tell the requester once and keep the request standing (SPEC §3.3).
    func refill(_ request: Request, tx: any StoreTransaction, now: Date) throws {
        guard let current = try tx.request(request.id) else { return }
        let lifecycle = try lifecycle(of: current, tx: tx)
        // Ranking reads the store for every candidate: only when someone is to be asked.
        guard lifecycle.needsRefill else { return }
        let ranked = try rankedCandidates(for: current, tx: tx, now: now)
        try run(lifecycle, tx: tx, now: now) { $0.refill(candidates: ranked, now: now) }
    }

    /// Ends a request early (`cancel`, a ban, `forget`, the requester gone), withdrawing
    /// its pending offers.
    func cancel(_ request: Request, _ reason: WithdrawalReason, tx: any StoreTransaction, now: Date) throws {
        try run(request, tx: tx, now: now) { $0.cancel(reason, now: now) }
    }

    /// Ends every pending offer to an expert who is banned, forgotten or removed, telling
    /// them nothing. Returns the requests whose offers ended, to refill once the expert is gone.
    func withdrawOffers(to expert: Identity, tx: any StoreTransaction, now: Date) throws -> [Int64] {
        var touched: [Int64] = []
        for offer in try tx.offers(expert: expert, status: .pending) where !touched.contains(offer.requestID) {
            guard let request = try tx.request(offer.requestID) else { continue }
            try run(request, tx: tx, now: now) { $0.expertGone(expert, now: now) }
            touched.append(offer.requestID)
        }
        return touched
    }
}
