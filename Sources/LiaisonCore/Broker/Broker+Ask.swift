import Foundation

/// How a request reached the bot, which decides how much it says back.
enum AskOrigin {
    /// `ask TOPIC`: every problem with it is answered in a sentence.
    case command
    /// A question heard in a channel (or said to the bot in words): the bot speaks only when
    /// it has someone to offer. A topic too long is cut to its first words, one it cannot
    /// match or a banned asker gets silence, and its channel replies are rationed per minute.
    case heard
}

extension Broker {
    /// SPEC §3.1: record the request, reply with a count (never names), and send the offers.
    func ask(topic rawTopic: String, original: String, ctx: CommandContext, origin: AskOrigin) throws {
        let tx = ctx.tx
        var topic = Text.quote(rawTopic, limit: 10_000)
        if topic.count > TopicText.maxTopicLength {
            // A line heard in a channel is cut to its first words (no reply to argue about
            // it); an explicit ask is told the bound.
            guard origin == .heard else {
                throw Refusal("That topic is \(topic.count) characters long; keep it to \(TopicText.maxTopicLength), like \"ask reverse mortgages\".")
            }
            topic = TopicText.clipped(topic)
        }
        let key = TopicText.key(topic)
        guard !key.isEmpty else {
            if origin == .heard { return }
            throw Refusal("\"\(Text.quote(topic, limit: 60))\" has no words I can match; name the subject, like \"ask tax law\".")
        }
        let channel: String? = if case .channel(let name) = ctx.message.place { name } else { nil }
        // One search and one load serve the count, the ranking and every check below.
        let hits = index.search(topic)
        let context = try tx.askContext(member: ctx.member, key: key, hits: hits.map(\.member), now: ctx.now)
        if context.requesterBanned {
            if origin == .heard { return }
            // Refused privately: a ban is between the person and the admins.
            ctx.replyPrivately = true
            throw Refusal.banned
        }
        // Only the one request with this key is read, and the others counted: an ask costs
        // the same with 10 open requests or 1,000.
        if let existing = context.openWithKey {
            try ctx.reply("You already asked about \(existing.topic): request #\(existing.id) is still open (\"cancel \(existing.id)\" to drop it).")
            return
        }
        let draft = Request(id: context.nextRequestID, requester: ctx.member, topic: topic, key: key,
                            originalText: Text.quote(original, limit: 400), channel: channel, status: .open,
                            createdAt: ctx.now, expiresAt: ctx.now.addingTimeInterval(settings.requestTTL))
        // The count people see is the directory's (as `topics` counts), never this
        // requester's eligible members: a block, an asks-from or a decline must not show in it.
        let knowing = membersKnowing(besides: ctx.member, hits: hits, people: context.pool.people, banned: context.bannedKnowing)
        let newRequester = Person(identity: ctx.member, displayName: ctx.message.displayName, firstSeen: ctx.now)
        var plan = LifecyclePlan(context: RequestContext(request: draft, version: .absent, offers: [], introductions: 0,
                                                         people: [ctx.member: context.requester ?? newRequester]),
                                 after: RequestLifecycle(request: draft, offers: [], introductions: 0, rules: lifecycleRules))
        let candidates = rank(draft, hits: hits, pool: context.pool, channels: plan.learn(context.pool, broker: self), now: ctx.now)
        if origin == .heard && knowing == 0 {
            // Matched without related words while WordNet is read: tried again when it is.
            if index.awaitsLexicon {
                heardBeforeLexicon.append(HeardQuestion(message: ctx.message, topic: rawTopic, original: original))
                if heardBeforeLexicon.count > HeardQuestion.kept { heardBeforeLexicon.removeFirst() }
            }
            return
        }
        if origin == .heard, let channel {
            // Channel noise control: past the per-minute budget, answer privately instead.
            if !allowChannelReply(network: ctx.message.network, channel: channel, now: ctx.now) {
                ctx.replyPrivately = true
            }
        }
        if context.openCount >= settings.maxOpenRequests {
            ctx.replyPrivately = true
            throw Refusal("You already have \(settings.maxOpenRequests) open requests; cancel one first (\"requests\" lists them).")
        }
        if context.askedToday >= settings.maxRequestsPerDay {
            throw Refusal("You have made \(settings.maxRequestsPerDay) requests in the last 24 hours, the daily limit; try again tomorrow.")
        }
        // Decided on the load, as any lifecycle event is (the offers' texts read only the
        // offered experts' topics and introductions), then one write of all of it, guarded by
        // the versions the load saw.
        let effects = plan.after.open(candidates: candidates, knowing: knowing, now: ctx.now)
        note(.request)
        try decide(effects, plan: &plan, tx: tx, now: ctx.now, ctx: ctx)
        let offers = plan.after.offers
        let guards = [Guard.member(ctx.member, context.requesterVersion)]
            + offers.map { Guard.member($0.expert, RowVersion(plan.expertVersions[$0.expert])) }
        try tx.recordRequest(NewRequest(guards: guards, newRequester: context.requester == nil ? newRequester : nil,
                                        request: plan.after.request, sourceEvent: ctx.message.eventID,
                                        offers: offers, messages: plan.messages.map(\.draft)))
    }

    /// Opted-in, unbanned members whose topics match, whoever asks (what `topics` counts),
    /// less the requester themselves: from the `hits` searched, their person rows and the
    /// bans among them.
    func membersKnowing(besides requester: Identity, hits: [MatchHit], people: [Identity: Person], banned: Set<Identity>) -> Int {
        var seen = Set<Identity>()
        var count = 0
        for hit in hits where hit.member != requester && seen.insert(hit.member).inserted {
            if people[hit.member]?.optedIn == true && !banned.contains(hit.member) { count += 1 }
        }
        return count
    }

    func allowChannelReply(network: String, channel: String, now: Date) -> Bool {
        let key = "\(network) \(channel)"
        var recent = (channelReplies[key] ?? []).filter { now.timeIntervalSince($0) < 60 }
        guard recent.count < settings.channelRepliesPerMinute else {
            channelReplies[key] = recent
            return false
        }
        recent.append(now)
        channelReplies[key] = recent
        return true
    }

    /// Eligible members for the request, best first (SPEC §4, §5), on what `candidatePool`
    /// read for every member the search hit (not only the best-matching few: among many who
    /// match as well, the load must spread over all of them). Members already offered the
    /// request are left out. Relevance dominates; load, common channels and thanks break
    /// near-ties.
    func rank(_ request: Request, hits: [MatchHit], pool: CandidatePool, channels: [Identity: Set<String>], now: Date) -> [Identity] {
        // A banned requester gets no offers; checked once here, not once per candidate.
        if pool.requesterBanned { return [] }
        let requesterChannels = channels[request.requester] ?? []
        var scored: [(Identity, Double)] = []
        for hit in hits where !pool.offered.contains(hit.member) {
            guard let expert = pool.people[hit.member],
                  isEligible(expert, for: request.requester, requesterChannels: requesterChannels, channels: channels,
                             pool: pool, now: now)
            else { continue }
            let recent = pool.offersThisWeek[expert.identity] ?? 0
            let shares = !requesterChannels.isDisjoint(with: channels[expert.identity] ?? [])
            let thanks = pool.thanks[expert.identity] ?? 0
            let load: Double = 0.08 * Double(recent)
            let bonus: Double = (shares ? 0.1 : 0) + 0.05 * Double(min(thanks, 4))
            let score = hit.relevance - load + bonus
            scored.append((expert.identity, score))
        }
        return scored.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.map(\.0)
    }

    /// Everything SPEC §4 requires before an offer. `unblocking`: as it will be once the
    /// expert's block of the requester, which this change removes, is gone.
    func isEligible(_ expert: Person, for requester: Identity, requesterChannels: Set<String>,
                    tx: any StoreTransaction, now: Date, unblocking: Bool = false) throws -> Bool {
        var pool = try tx.candidatePool([expert.identity], requester: requester, known: [expert.identity: expert], now: now)
        if unblocking { pool.blockers.remove(expert.identity) }
        return isEligible(expert, for: requester, requesterChannels: requesterChannels, channels: channels(of: pool),
                          pool: pool, now: now)
    }

    /// The same, on a pool already read.
    func isEligible(_ expert: Person, for requester: Identity, requesterChannels: Set<String>,
                    channels: [Identity: Set<String>], pool: CandidatePool, now: Date) -> Bool {
        guard CandidatePool.mayBeEligible(expert, for: requester, now: now), !pool.requesterBanned else { return false }
        let id = expert.identity
        if expert.asksFrom == .channels, requesterChannels.isDisjoint(with: channels[id] ?? []) { return false }
        if pool.banned.contains(id) || pool.blockers.contains(id) { return false }
        let limit = expert.maxOffersPerWeek ?? settings.maxOffersPerWeek
        return (pool.offersThisWeek[id] ?? 0) < limit
    }

    /// The offer's words: who asks, about what, where; the expert's topics that matched; the
    /// common ground; how to answer.
    func offerDraft(_ request: Request, _ offer: Offer, requesterName: String, topics: [String], ground: String) -> OutboxDraft {
        let who = handle(requesterName, network: request.requester.network, id: request.requester.id)
        let place = request.channel.map { "in \($0)" } ?? "privately"
        var text = "Introduction offer #\(request.id): \(who) is looking for someone who knows about \(request.topic). They asked \(place): \(Text.quotedEnd(request.originalText))"
        // Why they were asked: the topics of theirs that matched.
        let listed = topics.filter { index.relevance(query: request.topic, topic: $0) > 0 }
        if !listed.isEmpty { text += " You listed: \(listed.prefix(3).map { Text.quote($0, limit: 60) }.joined(separator: ", "))." }
        if !ground.isEmpty { text += " " + ground }
        text += " Reply \"accept \(request.id)\" to be introduced or \"decline \(request.id)\" (they won't be told); this offer lapses in \(DurationText.humanize(settings.offerTTL))."
        // Undelivered when the offer lapses, it is dropped with it (and no lapse notice follows).
        return OutboxDraft(to: .person(offer.expert), text: text, about: [request.requester],
                           expiresAt: offer.expiresAt, offerOf: request.id)
    }

    /// What the requester is told when the request is recorded: a count, never names.
    func openedReply(_ request: Request, knowing: Int) -> String {
        if knowing == 0 {
            return "Request #\(request.id): nobody who knows about \(request.topic) is available right now. I'll keep it open until \(Text.date(request.expiresAt)) and ask anyone who turns up."
        }
        let asking = knowing <= settings.offersPerRequest ? "I'm asking privately"
            : "I'm asking \(settings.offersPerRequest) of them privately"
        return "Request #\(request.id): \(Text.plural(knowing, "member")) \(knowing == 1 ? "knows" : "know") about \(request.topic); \(asking) and will introduce you when one says yes."
    }

    /// A person as others on any network should read them (issue 7), in their network's
    /// words (`NetworkProfile.person`): "carol (console)".
    func handle(_ name: String, network: String, id: String) -> String {
        profile(network).person(name, id)
    }

    /// How to write to someone on another network than yours.
    func howToReach(_ name: String, _ id: Identity) -> String {
        profile(id.network).reach(name, id.id)
    }

    /// Channels both are in, and earlier introductions in common (SPEC §3.2, §3.4), from each
    /// one's channels and the people each was introduced to before.
    func commonGround(_ a: Identity, _ b: Identity, channels: (Set<String>, Set<String>),
                      counterparts: (Set<Identity>, Set<Identity>)) -> String {
        var parts: [String] = []
        let shared = channels.0.intersection(channels.1)
            .map { String($0.split(separator: " ", maxSplits: 1).last ?? "") }.sorted()
        if !shared.isEmpty { parts.append("you are both in \(Text.list(shared))") }
        if counterparts.0.contains(b) { parts.append("you were introduced to each other before") }
        let mutual = counterparts.0.intersection(counterparts.1).subtracting([a, b]).count
        if mutual > 0 { parts.append("you have \(Text.plural(mutual, "earlier introduction")) in common") }
        // Nothing known in common is said by saying nothing.
        return parts.isEmpty ? "" : "Common ground: \(Text.list(parts))."
    }
}
