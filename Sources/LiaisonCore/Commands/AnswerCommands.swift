import Foundation

extension CommandCatalog {
    static let accept = ChatCommand("accept", usage: "accept ID", summary: "say yes to offer ID: you'll be introduced") { args, ctx in
        try ctx.broker.answer(try ctx.requestID(args, usage: "accept ID"), accept: true, ctx: ctx)
    }

    static let decline = ChatCommand("decline", usage: "decline ID", summary: "say no to offer ID (the requester is not told)") { args, ctx in
        try ctx.broker.answer(try ctx.requestID(args, usage: "decline ID"), accept: false, ctx: ctx)
    }

    static let yes = ChatCommand("yes", aliases: ["y"], usage: "yes", summary: "accept the one offer waiting for you") { _, ctx in
        try ctx.broker.answer(try onlyOffer(ctx, word: "yes", command: "accept"), accept: true, ctx: ctx)
    }

    static let no = ChatCommand("no", aliases: ["n"], usage: "no", summary: "decline the one offer waiting for you") { _, ctx in
        try ctx.broker.answer(try onlyOffer(ctx, word: "no", command: "decline"), accept: false, ctx: ctx)
    }

    /// Bare yes / no answer an offer only when exactly one waits (SPEC §2).
    static func onlyOffer(_ ctx: CommandContext, word: String, command: String) throws -> Int64 {
        let pending = try ctx.tx.offers(expert: ctx.member, status: .pending)
        switch pending.count {
        case 0: throw Refusal("There is no offer waiting for your answer, so \"\(word)\" has nothing to answer.")
        case 1: return pending[0].requestID
        default:
            let ids = pending.map { "#\($0.requestID)" }
            throw Refusal("\(pending.count) offers are waiting (\(Text.list(ids))); answer one with \"\(command) ID\".")
        }
    }
}

extension Broker {
    /// SPEC §3.3: an expert answers an offer.
    func answer(_ id: Int64, accept: Bool, ctx: CommandContext) throws {
        let tx = ctx.tx
        guard let request = try tx.request(id) else { throw RequestLifecycle.noOffer(id) }
        // Bans matter only to a yes.
        let facts = accept
            ? RequestLifecycle.AnswerFacts(expertBanned: try tx.isBanned(ctx.member), requesterBanned: try tx.isBanned(request.requester))
            : RequestLifecycle.AnswerFacts()
        let effects = try run(request, tx: tx, now: ctx.now, ctx: ctx) { try $0.answer(by: ctx.member, accept: accept, facts: facts, now: ctx.now) }
        if accept, effects.contains(.introduce(expert: ctx.member)) { note(.acceptance) }
    }

    /// SPEC §3.4: both people get a message naming each other.
    func introduce(_ request: Request, expert: Identity, plan: inout LifecyclePlan, tx: any StoreTransaction, now: Date) throws {
        // Common ground as it was before this introduction.
        let ground = try plan.commonGround(request.requester, expert, broker: self, tx: tx)
        plan.introductions.append(Introduction(id: 0, requestID: request.id, requester: request.requester,
                                               expert: expert, topic: request.topic, createdAt: now))
        note(.introduction)
        let requester = plan.context.people[request.requester]
        let expertPerson = plan.context.people[expert]
        let requesterName = handle(requester?.displayName ?? request.requester.id, network: request.requester.network, id: request.requester.id)
        let expertName = handle(expertPerson?.displayName ?? expert.id, network: expert.network, id: expert.id)
        let place = request.channel.map { "in \($0)" } ?? "privately"
        let also = ground.isEmpty ? "" : " " + ground
        var toRequester = "Introduction #\(request.id) (\(request.topic)): meet \(expertName), who knows about it and said yes. You asked \(place): \(Text.quotedEnd(request.originalText))\(also)"
        if let note = expertPerson?.note { toRequester += " Their note: \(Text.quotedEnd(note))" }
        if request.requester.network == expert.network {
            toRequester += " Message them directly; \"thanks \(request.id)\" passes your thanks on."
        } else {
            toRequester += " You are on different networks: \(howToReach(expertPerson?.displayName ?? expert.id, expert)). \"thanks \(request.id)\" passes your thanks on."
        }
        var toExpert = "Introduction #\(request.id) (\(request.topic)): meet \(requesterName), who asked \(place): \(Text.quotedEnd(request.originalText))\(also)"
        if let note = expertPerson?.note { toExpert += " Your note was passed on: \(Text.quotedEnd(note))" }
        if request.requester.network == expert.network {
            toExpert += " They'll message you, or you can message them directly. Thank you for helping!"
        } else {
            toExpert += " You are on different networks: they'll write to you, or \(howToReach(requester?.displayName ?? request.requester.id, request.requester)). Thank you for helping!"
        }
        if request.requester.network == expert.network, profile(expert.network).roomPerIntroduction {
            // A room of their own with both, the introduction posted there, and a note in each DM.
            var inRoom = "Introduction #\(request.id) (\(request.topic)): \(requesterName), meet \(expertName), who knows about it and said yes. \(requesterName) asked \(place): \(Text.quotedEnd(request.originalText))\(also)"
            if let note = expertPerson?.note { inRoom += " \(expertPerson?.displayName ?? "Their") note: \(Text.quotedEnd(note))" }
            inRoom += " This room is yours; \"thanks \(request.id)\" (to me, privately) passes thanks on."
            plan.messages.append(QueuedMessage(OutboxDraft(.introduction, to: .person(request.requester), text: inRoom,
                                                           other: expert, about: [expert])))
            plan.messages.append(QueuedMessage(OutboxDraft(to: .person(expert), text: "Introduction #\(request.id): I've invited you and \(requesterName) to a new room to talk about \(request.topic). Thank you for helping!", about: [request.requester])))
            plan.messages.append(QueuedMessage(OutboxDraft(to: .person(request.requester), text: "Introduction #\(request.id): meet \(expertName), who knows about \(request.topic) and said yes. I've invited you both to a new room; \"thanks \(request.id)\" passes your thanks on.", about: [expert])))
        } else {
            plan.messages.append(QueuedMessage(OutboxDraft(to: .person(expert), text: toExpert, about: [request.requester])))
            plan.messages.append(QueuedMessage(OutboxDraft(to: .person(request.requester), text: toRequester, about: [expert])))
        }
    }

    /// SPEC §3.6: a member who opts in, comes back or adds a topic gets the offers of open
    /// requests that match, while fewer than `offers_per_request` offers are pending.
    func offerStandingRequests(to member: Identity, tx: any StoreTransaction, now: Date, topics: [String]? = nil) throws {
        guard let person = try tx.person(member) else { return }
        let texts = try topics ?? tx.topics(of: member).map(\.text)
        guard !texts.isEmpty else { return }
        let analyses = texts.map(TopicAnalysis.init)
        // Only the open requests that could match are read (`StandingRequests`), in id order
        // as before: the same ones pass the checks below as if every open request were read.
        for request in try standingRequests(matching: analyses, tx: tx, now: now) {
            guard analyses.contains(where: { index.mayMatch(query: request.topic, topic: $0) }),
                  texts.contains(where: { index.relevance(query: request.topic, topic: $0) > 0 }) else { continue }
            let offers = try tx.offers(requestID: request.id)
            guard !offers.contains(where: { $0.expert == member }),
                  offers.filter({ $0.status == .pending }).count < settings.offersPerRequest,
                  try isEligible(person, for: request.requester, requesterChannels: channels(of: request.requester, tx: tx),
                                 tx: tx, now: now)
            else { continue }
            try run(request, offers: offers, tx: tx, now: now) { $0.offer(to: member, now: now) }
        }
    }

    /// The open, unexpired requests whose query may match one of `topics`
    /// (`MatchIndex.mayMatch`), in id order: every one of them, and perhaps some that do not.
    func standingRequests(matching topics: [TopicAnalysis], tx: any StoreTransaction, now: Date) throws -> [Request] {
        _ = index.lexicon   // read first: its arrival changes every query's reach
        standingTouched = true
        let generation = index.reachGeneration
        var fresh = false
        var standing: StandingRequests
        if let kept = self.standing, kept.generation == generation, !kept.isDueForRebuild {
            standing = kept
        } else {
            standing = StandingRequests(generation: generation)
            fresh = true
        }
        self.standing = nil   // `standing` is the only reference while it changes: no copy
        let last = try tx.lastRequestID()
        if last > standing.through {
            // Many requests ask about the same few topics: each text's reach is computed once.
            var reaches: [String: QueryReach] = [:]
            for request in try tx.openRequests(after: standing.through) {
                let reach = reaches[request.topic] ?? index.uncachedReach(request.topic)
                reaches[request.topic] = reach
                standing.enter(request.id, reach: reach)
            }
            standing.caughtUp(through: last)
        }
        if fresh { standing.built() }
        let ids = standing.candidates(for: topics)
        self.standing = standing
        return try tx.requests(ids: ids.sorted()).filter { $0.status == .open && $0.expiresAt > now }
    }
}
