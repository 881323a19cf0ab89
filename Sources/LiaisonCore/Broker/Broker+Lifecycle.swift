import Foundation

extension Broker {
    var lifecycleRules: RequestLifecycle.Rules {
        RequestLifecycle.Rules(introductionsPerRequest: settings.introsPerRequest, followupAfter: settings.followupAfter,
                               offersPerRequest: settings.offersPerRequest, offerTTL: settings.offerTTL)
    }

    /// Runs one lifecycle event on `request`: loads what its decisions need, decides every
    /// change and message on those values, then writes them as one `RequestChanges`, in the
    /// running transaction. A refusal changes nothing. Returns the event's own effects.
    @discardableResult
    func run(_ request: Request, offers: [Offer]? = nil, tx: any StoreTransaction, now: Date, ctx: CommandContext? = nil,
             _ event: (inout RequestLifecycle) throws -> [LifecycleEffect]) throws -> [LifecycleEffect] {
        try plan(request, offers: offers, tx: tx, now: now, ctx: ctx) { plan in try event(&plan.after) }
    }

    /// The same, for an event that also changes what hangs off the request beside its
    /// lifecycle (blocks, thanks) or sends messages of its own: `event` may add them to the
    /// plan (messages before those of its effects; `trailing` after them).
    @discardableResult
    func plan(_ request: Request, offers: [Offer]? = nil, tx: any StoreTransaction, now: Date, ctx: CommandContext? = nil,
              _ event: (inout LifecyclePlan) throws -> [LifecycleEffect]) throws -> [LifecycleEffect] {
        let context = try tx.requestContext(for: request, offers: offers)
        let before = RequestLifecycle(request: context.request, offers: context.offers,
                                      introductions: context.introductions, rules: lifecycleRules)
        var plan = LifecyclePlan(context: context, after: before)
        let effects = try event(&plan)
        try decide(effects, plan: &plan, tx: tx, now: now, ctx: ctx)
        plan.messages += plan.trailing
        let offers = plan.after.changedOffers(since: before)
        var guards = [Guard.request(context.request.id, context.version)]
        guards += offers.made.compactMap { offer in plan.expertVersions[offer.expert].map { .member(offer.expert, .at($0)) } }
        var change = RequestChanges(guards: guards, request: plan.after.request != before.request ? plan.after.request : nil,
                                    changedOffers: offers.changed, newOffers: offers.made,
                                    introductions: plan.introductions, messages: plan.messages, at: now)
        change.thanked = plan.thanked
        change.blocks = plan.blocks
        try tx.changeRequest(change)
        return effects
    }

    /// Each effect in words for whoever reads it (SPEC §3.3-§3.5), into `plan`, in order. A
    /// refill ranks the next members here and decides their offers into the same plan.
    func decide(_ effects: [LifecycleEffect], plan: inout LifecyclePlan, tx: any StoreTransaction, now: Date,
                ctx: CommandContext?) throws {
        for effect in effects {
            let request = plan.after.request
            switch effect {
            case .opened(let knowing):
                if let ctx { plan.messages.append(QueuedMessage(ctx.replyDraft(openedReply(request, knowing: knowing)))) }
            case .offer(let offer):
                note(.offer)
                let details = try tx.offerDetails(experts: [offer.expert])[offer.expert]
                if let details { plan.counterparts[offer.expert] = details.expertCounterparts }
                let ground = try plan.commonGround(request.requester, offer.expert, broker: self, tx: tx)
                plan.messages.append(QueuedMessage(offerDraft(request, offer, requesterName: plan.name(request.requester),
                                                              topics: details?.topics ?? [], ground: ground)))
            case .nobodyAvailable:
                plan.messages.append(QueuedMessage(OutboxDraft(to: .person(request.requester),
                    text: "Nobody was available for request #\(request.id) (\(request.topic)) this time. It stays open until \(Text.date(request.expiresAt)), and I'll ask anyone new who knows about it.")))
            case .introduce(let expert):
                try introduce(request, expert: expert, plan: &plan, tx: tx, now: now)
            case .declined(let offer):
                if let ctx {
                    let name = plan.context.people[request.requester]?.displayName ?? "The requester"
                    plan.messages.append(QueuedMessage(ctx.replyDraft("Declined offer #\(offer.requestID). \(name) won't be told.",
                                                                      about: [request.requester])))
                }
            case .withdrawn(let offer, let reason):
                guard let note = Self.withdrawalNote(reason, request) else { continue }
                // A message that lost its point before it could be delivered is not delivered:
                // an expert who never saw the offer gets neither it nor its withdrawal.
                plan.messages.append(QueuedMessage(OutboxDraft(to: .person(offer.expert), text: note, about: [request.requester]),
                                                   unlessUnsentOfferOf: request.id))
            case .lapsed(let offer):
                // An offer that never reached its expert lapses quietly: there is nothing to answer.
                plan.messages.append(QueuedMessage(OutboxDraft(to: .person(offer.expert),
                    text: "Offer #\(request.id) (\(request.topic)) lapsed without an answer; nothing more to do.",
                    about: [request.requester]), unlessUnsentOfferOf: request.id))
            case .refill:
                // Ranking reads the store for every candidate: only when someone is to be asked.
                guard plan.after.needsRefill else { continue }
                let hits = index.search(request.topic)
                let pool = try tx.candidatePool(hits.map(\.member), requester: request.requester,
                                                offered: Set(plan.after.offers.map(\.expert)), now: now)
                let ranked = rank(request, hits: hits, pool: pool, channels: plan.learn(pool, broker: self), now: now)
                let more = plan.after.refill(candidates: ranked, now: now)
                try decide(more, plan: &plan, tx: tx, now: now, ctx: nil)
            case .remind(let experts):
                let names = experts.map { plan.name($0) }
                plan.messages.append(QueuedMessage(OutboxDraft(to: .person(request.requester),
                    text: "Did the introduction to \(Text.list(names)) on #\(request.id) (\(request.topic)) help? If it did, \"thanks \(request.id)\" passes your thanks on.",
                    about: Set(experts))))
            case .closed(let introductions):
                let text = introductions == 0
                    ? "Request #\(request.id) (\(request.topic)) expired without an introduction. Ask again any time."
                    : "Request #\(request.id) (\(request.topic)) is now closed, with \(Text.plural(introductions, "introduction"))."
                plan.messages.append(QueuedMessage(OutboxDraft(to: .person(request.requester), text: text)))
            }
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
    /// none are left, tell the requester once and keep the request standing (SPEC §3.3). For
    /// each of `requestIDs` as it stands now, in order.
    func refill(_ requestIDs: [Int64], tx: any StoreTransaction, now: Date) throws {
        for id in requestIDs {
            guard let current = try tx.request(id) else { continue }
            try run(current, tx: tx, now: now) { _ in [.refill] }
        }
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

/// One lifecycle event's decisions while they are made: the request as loaded, its
/// lifecycle as the event left it, and the introductions and messages to write.
struct LifecyclePlan {
    let context: RequestContext
    var after: RequestLifecycle
    var introductions: [Introduction] = []
    var thanked: [Introduction] = []
    var blocks: [BlockChange] = []
    var messages: [QueuedMessage] = []
    /// Messages that follow those of the event's effects.
    var trailing: [QueuedMessage] = []
    /// Versions of the members a refill ranked, for the guards of the offers made to them.
    var expertVersions: [Identity: Int64] = [:]
    /// What this plan has read already, so that no offer reads it again: the channels of
    /// those a candidate pool was read for, and the people each was introduced to before.
    var channels: [Identity: Set<String>] = [:]
    var channelsRead: Set<Identity> = []
    var counterparts: [Identity: Set<Identity>] = [:]

    init(context: RequestContext, after: RequestLifecycle) {
        self.context = context
        self.after = after
    }

    /// How a person with an offer on the request, or its requester, is named.
    func name(_ id: Identity) -> String { context.people[id]?.displayName ?? id.id }

    /// Keeps what a candidate pool read (versions for the guards, channels for the offers'
    /// common ground); returns the pool's channels, with the live ones.
    mutating func learn(_ pool: CandidatePool, broker: Broker) -> [Identity: Set<String>] {
        let found = broker.channels(of: pool)
        channels.merge(found) { $1 }
        channelsRead.formUnion(pool.channels.ids)
        expertVersions.merge(pool.versions) { $1 }
        return found
    }

    /// Channels both are in and earlier introductions in common, as they stand with this
    /// plan's own introductions counted (they are written only at its end).
    mutating func commonGround(_ a: Identity, _ b: Identity, broker: Broker, tx: any StoreTransaction) throws -> String {
        var counterparts = (try self.counterparts(of: a, tx: tx), try self.counterparts(of: b, tx: tx))
        for made in introductions {
            for (one, other) in [(made.requester, made.expert), (made.expert, made.requester)] {
                if one == a { counterparts.0.insert(other) }
                if one == b { counterparts.1.insert(other) }
            }
        }
        return broker.commonGround(a, b, channels: (try channels(of: a, broker: broker, tx: tx), try channels(of: b, broker: broker, tx: tx)),
                                   counterparts: counterparts)
    }

    private func channels(of id: Identity, broker: Broker, tx: any StoreTransaction) throws -> Set<String> {
        channelsRead.contains(id) ? channels[id] ?? [] : try broker.channels(of: id, tx: tx)
    }

    /// As stored, read once per plan.
    private mutating func counterparts(of id: Identity, tx: any StoreTransaction) throws -> Set<Identity> {
        if let known = counterparts[id] { return known }
        let read = try tx.counterparts(of: id)
        counterparts[id] = read
        return read
    }
}
