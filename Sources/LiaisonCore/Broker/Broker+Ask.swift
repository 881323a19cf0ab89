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
        if try tx.isBanned(ctx.member) {
            if origin == .heard { return }
            // Refused privately: a ban is between the person and the admins.
            ctx.replyPrivately = true
            try ctx.requireNotBanned()
        }
        // Only the one request with this key is read, and the others counted: an ask costs
        // the same with 10 open requests or 1,000.
        if let existing = try tx.openRequest(of: ctx.member, key: key) {
            try ctx.reply("You already asked about \(existing.topic): request #\(existing.id) is still open (\"cancel \(existing.id)\" to drop it).")
            return
        }
        let channel: String? = if case .channel(let name) = ctx.message.place { name } else { nil }
        let draft = Request(id: 0, requester: ctx.member, topic: topic, key: key,
                            originalText: Text.quote(original, limit: 400), channel: channel, status: .open,
                            createdAt: ctx.now, expiresAt: ctx.now.addingTimeInterval(settings.requestTTL))
        // One search and one read of each member serve both the count and the ranking.
        let hits = index.search(draft.topic)
        var people = try tx.people(hits.map(\.member))
        // The count people see is the directory's (as `topics` counts), never this
        // requester's eligible members: a block, an asks-from or a decline must not show in it.
        let knowing = try membersKnowing(draft.topic, besides: ctx.member, tx: tx, hits: hits, people: &people)
        let candidates = try rankedCandidates(for: draft, tx: tx, now: ctx.now, hits: hits, people: people)
        if origin == .heard && knowing == 0 { return }
        if origin == .heard, let channel {
            // Channel noise control: past the per-minute budget, answer privately instead.
            if !allowChannelReply(network: ctx.message.network, channel: channel, now: ctx.now) {
                ctx.replyPrivately = true
            }
        }
        if try tx.openRequestCount(of: ctx.member) >= settings.maxOpenRequests {
            ctx.replyPrivately = true
            throw Refusal("You already have \(settings.maxOpenRequests) open requests; cancel one first (\"requests\" lists them).")
        }
        if try tx.requestCount(of: ctx.member, since: ctx.now.addingTimeInterval(-86_400)) >= settings.maxRequestsPerDay {
            throw Refusal("You have made \(settings.maxRequestsPerDay) requests in the last 24 hours, the daily limit; try again tomorrow.")
        }
        try ctx.ensurePerson()
        let request = try tx.createRequest(draft)
        note(.request)
        if let eventID = ctx.message.eventID { try tx.setSourceEvent(requestID: request.id, eventID: eventID) }
        // A new request has no offers or introductions to read.
        let new = RequestLifecycle(request: request, offers: [], introductions: 0, rules: lifecycleRules)
        try run(new, tx: tx, now: ctx.now, ctx: ctx) { $0.open(candidates: candidates, knowing: knowing, now: ctx.now) }
    }

    /// Opted-in, unbanned members whose topics match, whoever asks (what `topics` counts),
    /// less the requester themselves.
    func membersKnowing(_ topic: String, besides requester: Identity, tx: any StoreTransaction) throws -> Int {
        var people: [Identity: Person] = [:]
        return try membersKnowing(topic, besides: requester, tx: tx, hits: index.search(topic),
                                  people: &people)
    }

    /// The same, for `hits` already searched; each member read is kept in `people`. The
    /// bans of all of them are one read.
    func membersKnowing(_ topic: String, besides requester: Identity, tx: any StoreTransaction, hits: [MatchHit],
                        people: inout [Identity: Person]) throws -> Int {
        var optedIn: [Identity] = []
        var seen = Set<Identity>()
        for hit in hits where hit.member != requester && seen.insert(hit.member).inserted {
            guard let person = try people[hit.member] ?? tx.person(hit.member) else { continue }
            people[hit.member] = person
            if person.optedIn == true { optedIn.append(hit.member) }
        }
        return optedIn.count - (try tx.banned(among: optedIn)).count
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

    /// Eligible members for the request, best first (SPEC §4, §5). Members already offered
    /// this request are left out. What eligibility and ranking read of the store is read for
    /// all candidates at once (`CandidateFacts`): an ask costs about the same with 1 candidate
    /// or 200.
    func rankedCandidates(for request: Request, tx: any StoreTransaction, now: Date,
                          hits: [MatchHit]? = nil, people: [Identity: Person] = [:]) throws -> [Identity] {
        let offered = Set(try tx.offers(requestID: request.id).map(\.expert))
        // A banned requester gets no offers; checked once here, not once per candidate.
        if try tx.isBanned(request.requester) { return [] }
        let requesterChannels = try channels(of: request.requester, tx: tx)
        // Every matching member is ranked, not only the best-matching few: among many who
        // match as well, the load must spread over all of them, and the count people see is
        // all of them. The index bounds a search (`MatchIndex.maxCandidates` topics scored).
        let hits = (hits ?? index.search(request.topic)).filter { !offered.contains($0.member) }
        var experts: [(hit: MatchHit, person: Person)] = []
        var missing: [Identity] = []
        for hit in hits where people[hit.member] == nil { missing.append(hit.member) }
        let read = try tx.people(missing)
        for hit in hits {
            guard let expert = people[hit.member] ?? read[hit.member] else { continue }
            experts.append((hit, expert))
        }
        let facts = try CandidateFacts(experts.map(\.person), for: request.requester, broker: self, tx: tx, now: now)
        var scored: [(Identity, Double)] = []
        for (hit, expert) in experts {
            guard facts.isEligible(expert, for: request.requester, requesterChannels: requesterChannels,
                                   requesterBanned: false, now: now, broker: self)
            else { continue }
            let recent = facts.offersThisWeek[expert.identity] ?? 0
            let shares = !requesterChannels.isDisjoint(with: facts.channels[expert.identity] ?? [])
            let thanks = facts.thanks[expert.identity] ?? 0
            // Relevance dominates; load, common channels and thanks break near-ties.
            let load: Double = 0.08 * Double(recent)
            let bonus: Double = (shares ? 0.1 : 0) + 0.05 * Double(min(thanks, 4))
            let score = hit.relevance - load + bonus
            scored.append((expert.identity, score))
        }
        return scored.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.map(\.0)
    }

    /// Everything SPEC §4 requires before an offer.
    func isEligible(_ expert: Person, for requester: Identity, requesterChannels: Set<String>,
                    tx: any StoreTransaction, now: Date) throws -> Bool {
        let facts = try CandidateFacts([expert], for: requester, broker: self, tx: tx, now: now)
        return facts.isEligible(expert, for: requester, requesterChannels: requesterChannels,
                                requesterBanned: try tx.isBanned(requester), now: now, broker: self)
    }

    /// SPEC §3.2: the private question to one expert, whose offer row its lifecycle wrote.
    func sendOffer(_ request: Request, _ offer: Offer, tx: any StoreTransaction, now: Date) throws {
        let expert = offer.expert
        note(.offer)
        let requester = try tx.person(request.requester)
        let who = handle(requester?.displayName ?? request.requester.id, network: request.requester.network, id: request.requester.id)
        let place = request.channel.map { "in \($0)" } ?? "privately"
        var text = "Introduction offer #\(request.id): \(who) is looking for someone who knows about \(request.topic). They asked \(place): \(Text.quotedEnd(request.originalText))"
        // Why they were asked: the topics of theirs that matched.
        let listed = try tx.topics(of: expert).map(\.text).filter { index.relevance(query: request.topic, topic: $0) > 0 }
        if !listed.isEmpty { text += " You listed: \(listed.prefix(3).map { Text.quote($0, limit: 60) }.joined(separator: ", "))." }
        let ground = try commonGround(request.requester, expert, tx: tx)
        if !ground.isEmpty { text += " " + ground }
        text += " Reply \"accept \(request.id)\" to be introduced or \"decline \(request.id)\" (they won't be told); this offer lapses in \(DurationText.humanize(settings.offerTTL))."
        // Undelivered when the offer lapses, it is dropped with it (and no lapse notice follows).
        try tx.enqueue(OutboxDraft(to: .person(expert), text: text, about: [request.requester],
                                   expiresAt: offer.expiresAt, offerOf: request.id), at: now)
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

    /// Channels both are in, and earlier introductions in common (SPEC §3.2, §3.4).
    func commonGround(_ a: Identity, _ b: Identity, tx: any StoreTransaction) throws -> String {
        var parts: [String] = []
        let shared = try channels(of: a, tx: tx).intersection(try channels(of: b, tx: tx))
            .map { String($0.split(separator: " ", maxSplits: 1).last ?? "") }.sorted()
        if !shared.isEmpty { parts.append("you are both in \(Text.list(shared))") }
        func counterparts(_ id: Identity) throws -> Set<Identity> {
            Set(try tx.introductions(involving: id).map { $0.requester == id ? $0.expert : $0.requester })
        }
        let aSide = try counterparts(a)
        if aSide.contains(b) { parts.append("you were introduced to each other before") }
        let mutual = aSide.intersection(try counterparts(b)).subtracting([a, b]).count
        if mutual > 0 { parts.append("you have \(Text.plural(mutual, "earlier introduction")) in common") }
        // Nothing known in common is said by saying nothing.
        return parts.isEmpty ? "" : "Common ground: \(Text.list(parts))."
    }
}

/// What eligibility (SPEC §4) and ranking read of the store for a set of candidates, one
/// query per kind for all of them; only for those the person rows alone do not rule out.
struct CandidateFacts {
    /// Each one's channels as `Broker.channels(of:tx:)` gives them.
    var channels: [Identity: Set<String>] = [:]
    var banned: Set<Identity> = []
    /// Those who blocked the requester.
    var blockers: Set<Identity> = []
    /// Offers of the last 7 days, and thanks ever (absent: none).
    var offersThisWeek: [Identity: Int] = [:]
    var thanks: [Identity: Int] = [:]

    init(_ experts: [Person], for requester: Identity, broker: Broker, tx: any StoreTransaction, now: Date) throws {
        // Repeats are harmless to the reads below.
        let ids = experts.filter { Self.mayBeEligible($0, for: requester, now: now) }.map(\.identity)
        guard !ids.isEmpty else { return }
        channels = try broker.channels(of: ids, tx: tx)
        banned = try tx.banned(among: ids)
        blockers = try tx.blockers(among: ids, blocking: requester)
        offersThisWeek = try tx.offerCounts(experts: ids, since: now.addingTimeInterval(-7 * 86_400))
        thanks = try tx.thanksCounts(experts: ids)
    }

    /// What the person row alone decides.
    static func mayBeEligible(_ expert: Person, for requester: Identity, now: Date) -> Bool {
        expert.identity != requester && expert.optedIn == true && !expert.isAway(at: now) && expert.asksFrom != .nobody
    }

    func isEligible(_ expert: Person, for requester: Identity, requesterChannels: Set<String>, requesterBanned: Bool,
                    now: Date, broker: Broker) -> Bool {
        guard Self.mayBeEligible(expert, for: requester, now: now) else { return false }
        let id = expert.identity
        if expert.asksFrom == .channels, requesterChannels.isDisjoint(with: channels[id] ?? []) { return false }
        if banned.contains(id) || requesterBanned || blockers.contains(id) { return false }
        let limit = expert.maxOffersPerWeek ?? broker.settings.maxOffersPerWeek
        return (offersThisWeek[id] ?? 0) < limit
    }
}
