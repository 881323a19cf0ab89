public import Foundation

// The coarse loads and applies (docs/STORE-PROTOCOL.md §3, step 3), built on the row methods
// so that every backend has them. A backend may answer one faster in its own SQL; it must
// return the same values (LiaisonStoreContractTests).

extension StoreTransaction {
    // MARK: Loads

    /// Where `ids` are: their members, the members' linked identities, and the channels
    /// remembered for all of those (three reads for any number of ids).
    public func channelFacts(_ ids: [Identity]) throws -> ChannelFacts {
        var facts = ChannelFacts()
        facts.ids = ids
        guard !ids.isEmpty else { return facts }
        facts.memberOf = try members(of: ids)
        // Repeats are harmless to the reads below.
        let members = facts.memberOf.isEmpty ? ids : ids.map { facts.memberOf[$0] ?? $0 }
        facts.linked = try linkedIdentities(of: members)
        var identities = members
        if !facts.linked.isEmpty { for member in members { identities += facts.linked[member] ?? [] } }
        facts.stored = try channels(of: identities)
        return facts
    }

    /// What ranking `candidates` for `requester` needs (SPEC §4, §5), leaving out those already
    /// `offered` the request. `known`: person rows the caller has read already. Only the
    /// candidates the person rows alone do not rule out cost a read beyond their row.
    public func candidatePool(_ candidates: [Identity], requester: Identity, offered: Set<Identity> = [],
                              known: [Identity: Person] = [:], now: Date) throws -> CandidatePool {
        var pool = CandidatePool()
        pool.offered = offered
        pool.requesterBanned = try isBanned(requester)
        var missing: [Identity] = []
        var listed = Set<Identity>()
        for id in candidates where !pool.offered.contains(id) && listed.insert(id).inserted {
            if let person = known[id] { pool.people[id] = person } else { missing.append(id) }
        }
        for (id, person) in try people(missing) { pool.people[id] = person }
        let ids = candidates.filter { id in
            pool.people[id].map { CandidatePool.mayBeEligible($0, for: requester, now: now) } ?? false
        }
        pool.channels = try channelFacts([requester] + ids)
        guard !ids.isEmpty else { return pool }
        pool.versions = try versions(ofMembers: ids)
        pool.banned = try banned(among: ids)
        pool.blockers = try blockers(among: ids, blocking: requester)
        pool.offersThisWeek = try offerCounts(experts: ids, since: now.addingTimeInterval(-7 * 86_400))
        pool.thanks = try thanksCounts(experts: ids)
        return pool
    }

    /// Everything `ask` by `member` decides from, for the members `hits` the index found.
    public func askContext(member: Identity, key: String, hits: [Identity], now: Date) throws -> AskContext {
        let known = try people(hits)
        var optedIn: [Identity] = []
        var seen = Set<Identity>()
        for id in hits where id != member && seen.insert(id).inserted && known[id]?.optedIn == true {
            optedIn.append(id)
        }
        let counts = try requesterCounts(of: member, key: key, since: now.addingTimeInterval(-86_400))
        return AskContext(requester: try person(member), requesterVersion: RowVersion(counts.version),
                          requesterBanned: try isBanned(member), openWithKey: counts.openWithKey,
                          openCount: counts.openCount, askedToday: counts.madeSince,
                          bannedKnowing: try banned(among: optedIn),
                          pool: try candidatePool(hits, requester: member, known: known, now: now),
                          nextRequestID: counts.nextRequestID)
    }

    /// The people `id` was introduced to before, either way round.
    public func counterparts(of id: Identity) throws -> Set<Identity> {
        Set(try introductions(involving: id).map { $0.requester == id ? $0.expert : $0.requester })
    }

    /// What the offers to `experts` say besides the request: each one's topics and past
    /// introductions (the requester's are `counterparts(of:)`).
    public func offerDetails(experts: [Identity]) throws -> [Identity: OfferDetails] {
        var out: [Identity: OfferDetails] = [:]
        for expert in experts where out[expert] == nil {
            out[expert] = OfferDetails(topics: try topics(of: expert).map(\.text), expertCounterparts: try counterparts(of: expert))
        }
        return out
    }

    /// A request with what its lifecycle decisions read: `offers` when the caller has them.
    public func requestContext(for request: Request, offers known: [Offer]? = nil) throws -> RequestContext {
        let offers = try known ?? self.offers(requestID: request.id)
        return RequestContext(request: request, version: RowVersion(try versions(ofRequests: [request.id])[request.id]),
                              offers: offers, introductions: try introductions(requestID: request.id).count,
                              people: try people([request.requester] + offers.map(\.expert)))
    }

    /// A member's own rows.
    public func memberContext(_ member: Identity) throws -> MemberContext {
        MemberContext(member: member, person: try person(member),
                      version: RowVersion(try versions(ofMembers: [member])[member]),
                      topics: try topics(of: member), banned: try isBanned(member))
    }

    // MARK: Applies

    /// Throws `StoreConflict` for the first guard whose row changed since it was read.
    public func check(_ guards: [Guard]) throws {
        guard !guards.isEmpty else { return }
        var requestIDs: [Int64] = []
        var members: [Identity] = []
        for check in guards {
            switch check {
            case .request(let id, _): requestIDs.append(id)
            case .member(let id, _): members.append(id)
            }
        }
        let requests = try versions(ofRequests: requestIDs), people = try versions(ofMembers: members)
        for check in guards {
            switch check {
            case .request(let id, let seen): if RowVersion(requests[id]) != seen { throw StoreConflict(check) }
            case .member(let id, let seen): if RowVersion(people[id]) != seen { throw StoreConflict(check) }
            }
        }
    }

    /// `ask`'s write, all of it or nothing (SPEC §4: the reply and the offers commit with the
    /// request). The schema's one-open-request-per-key index refuses a second open request.
    public func recordRequest(_ record: NewRequest) throws {
        try check(record.guards)
        if let person = record.newRequester { try savePerson(person) }
        let saved = try createRequest(record.request)
        guard saved.id == record.request.id else {
            throw StoreConflict(.request(record.request.id, .absent))
        }
        if let eventID = record.sourceEvent { try setSourceEvent(requestID: saved.id, eventID: eventID) }
        for offer in record.offers { try createOffer(offer) }
        for message in record.messages { try enqueue(message, at: record.request.createdAt) }
    }
}

extension StoreTransaction {
    /// A lifecycle event's write, all of it or nothing: the guards, the request row, its
    /// offers, new introductions, then the messages in order (a conditional one is dropped,
    /// with the offer it names, when that offer never left the outbox).
    public func changeRequest(_ change: RequestChanges) throws {
        try check(change.guards)
        if let request = change.request { try saveRequest(request) }
        for offer in change.changedOffers { try saveOffer(offer) }
        for offer in change.newOffers { try createOffer(offer) }
        for introduction in change.introductions { _ = try createIntroduction(introduction) }
        for introduction in change.thanked { try saveIntroduction(introduction) }
        for block in change.blocks {
            switch block {
            case .add(let blocker, let blocked, let requestID): _ = try addBlock(blocker: blocker, blocked: blocked, requestID: requestID, at: change.at)
            case .remove(let blocker, let blocked): _ = try removeBlock(blocker: blocker, blocked: blocked)
            }
        }
        for message in change.messages {
            if let requestID = message.unlessUnsentOfferOf, let expert = message.draft.target.person,
               try unsentOffer(requestID: requestID, expert: expert) { continue }
            try enqueue(message.draft, at: change.at)
        }
    }
}

extension StoreTransaction {
    /// A member's change, all of it or nothing. Returns the topics added, with their ids (a
    /// topic the member lists already is not added again).
    @discardableResult
    public func changeMember(_ change: MemberChanges) throws -> [Topic] {
        try check(change.guards)
        if let person = change.person { try savePerson(person) }
        var added: [Topic] = []
        for topic in change.addTopics {
            if let new = try addTopic(change.member, text: topic.text, key: topic.key, analysis: topic.analysis) { added.append(new) }
        }
        for id in change.removeTopics { try removeTopic(id: id) }
        for message in change.messages { try enqueue(message.draft, at: change.at) }
        return added
    }
}

extension StoreTransaction {
    /// Settings, audit entries and messages, all of them or nothing.
    public func changeAdmin(_ change: AdminChanges) throws {
        try check(change.guards)
        for ban in change.bans { try self.ban(ban) }
        for id in change.unbans { _ = try unban(id) }
        for alias in change.setAliases { try setAlias(alias) }
        for alias in change.removeAliases { _ = try removeAlias(alias) }
        for setting in change.channelSettings { try saveChannelSetting(setting) }
        try appendAudit(change.audit, at: change.at)
        for message in change.messages { try enqueue(message.draft, at: change.at) }
    }
}

extension CandidatePool {
    /// What the person row alone decides of eligibility.
    public static func mayBeEligible(_ expert: Person, for requester: Identity, now: Date) -> Bool {
        expert.identity != requester && expert.optedIn == true && !expert.isAway(at: now) && expert.asksFrom != .nobody
    }
}
