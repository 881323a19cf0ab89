import Foundation

/// Issue 7: one member across networks. `link NETWORK` gives a one-time code; `link CODE`
/// from the identity on that network redeems it; `unlink NETWORK` undoes it.
extension CommandCatalog {
    static let link = ChatCommand(
        "link", usage: "link NETWORK | link CODE",
        summary: "be one member across networks: \"link NETWORK\" gives a code to send from your identity there"
    ) { args, ctx in
        guard ctx.message.place == .direct else { throw Refusal("Linking works only in a private message to me.") }
        try ctx.broker.requireLinkable(ctx)
        try ctx.requireNotBanned()
        let word = args.trimmingCharacters(in: .whitespaces)
        guard !word.isEmpty, !word.contains(" ") else {
            throw Refusal("Usage: link NETWORK (then send the code from there), or link CODE.")
        }
        if ctx.broker.networks.contains(word.lowercased()) {
            try ctx.broker.issueLinkCode(for: word.lowercased(), ctx)
        } else if Broker.looksLikeLinkCode(word) {
            try ctx.broker.redeemLinkCode(word, ctx)
        } else {
            let others = ctx.broker.networks.filter { $0 != ctx.message.network }
            throw Refusal("I don't run a network called \"\(Text.quote(word, limit: 30))\"; "
                          + (others.isEmpty ? "I run only \(ctx.message.network), so there is nothing to link."
                                            : "mine: \(others.joined(separator: ", ")).") + " A link code has 8 letters and digits.")
        }
    }

    static let unlink = ChatCommand(
        "unlink", usage: "unlink NETWORK", summary: "separate your identity on NETWORK from this member again"
    ) { args, ctx in
        guard ctx.message.place == .direct else { throw Refusal("Unlinking works only in a private message to me.") }
        let network = args.trimmingCharacters(in: .whitespaces).lowercased()
        guard !network.isEmpty else { throw Refusal("Usage: unlink NETWORK.") }
        try ctx.broker.unlink(network: network, ctx)
    }
}

extension Broker {
    static let linkCodeTTL: TimeInterval = 600
    /// Codes a person may try per ten minutes before `link CODE` stops listening to them.
    static let linkAttemptsPer10Minutes = 5
    static let linkCodeAlphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")

    /// Eight letters and digits (any case): what `link CODE` takes.
    static func looksLikeLinkCode(_ word: String) -> Bool {
        let upper = Array(word.uppercased())
        return upper.count == 8 && upper.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }

    /// Only identities that cannot be spoofed may link: none on a network whose profile says
    /// its identities can be spoofed, and no unverified one (a name without its account).
    func requireLinkable(_ ctx: CommandContext) throws {
        guard ctx.message.verified, !profile(ctx.message.network).spoofable else {
            let kinds = networks.compactMap { profile($0).linkableIdentity }.reduce(into: [String]()) { kinds, kind in
                if !kinds.contains(kind) { kinds.append(kind) }
            }
            let list = kinds.isEmpty ? "" : ": " + kinds.joined(separator: " or ")
            throw Refusal("Only an identity that cannot be spoofed can be linked\(list).")
        }
    }

    func issueLinkCode(for network: String, _ ctx: CommandContext) throws {
        let me = ctx.message.sender
        guard network != me.network else {
            throw Refusal("You are on \(network) already: send \"link \(network == NetworkName.console ? "OTHER" : network)\" from your identity on the other network's side, or name the other network here.")
        }
        let member = try ctx.tx.linkContext(ctx.member)
        if member.identities.contains(where: { $0.network == network }) {
            throw Refusal("You already have an identity on \(network) linked; \"unlink \(network)\" first.")
        }
        var rng = SystemRandomNumberGenerator()
        let code = String((0..<8).map { _ in Self.linkCodeAlphabet[Int.random(in: 0..<Self.linkCodeAlphabet.count, using: &rng)] })
        var change = LinkChange(guards: [.member(member.identity, member.version)],
                                steps: [.issueCode(code, issuer: member.identity, network: network,
                                                   expiresAt: ctx.now.addingTimeInterval(Self.linkCodeTTL))], at: ctx.now)
        change.audit = [AuditNote(actor: me, action: "link code for \(network)")]
        change.messages = [QueuedMessage(ctx.replyDraft("Your link code is \(code). Within 10 minutes, send \"link \(code)\" to me from your identity on \(network). It works once."))]
        try ctx.tx.relink(change)
    }

    func redeemLinkCode(_ typed: String, _ ctx: CommandContext) throws {
        let me = ctx.message.sender
        // Rate limit before looking: guessing a code must not be cheap.
        var attempts = (linkAttempts[me] ?? []).filter { ctx.now.timeIntervalSince($0) < 600 }
        guard attempts.count < Self.linkAttemptsPer10Minutes else {
            linkAttempts[me] = attempts
            throw Refusal("Too many link codes tried; wait ten minutes and ask for a new code.")
        }
        attempts.append(ctx.now)
        linkAttempts[me] = attempts
        let candidate = Array(typed.uppercased().utf8)
        // Constant-time comparison with every waiting code for this network.
        var found: Identity?
        for (code, issuer) in try ctx.tx.linkCodes(network: me.network, now: ctx.now) {
            if Self.constantTimeEqual(Array(code.utf8), candidate) { found = issuer }
        }
        guard let issuer = found else {
            throw Refusal("That is not a link code I'm waiting for from \(me.network) (codes work once, for 10 minutes). Ask for a new one with \"link \(me.network)\" from your other identity.")
        }
        let alias = try ctx.tx.linkContext(me)
        guard issuer != me, alias.memberOf == nil else {
            throw Refusal("This identity is already part of a member; \"unlink \(me.network)\" first.")
        }
        guard alias.linked.isEmpty else {
            throw Refusal("Other identities are linked to this one; unlink them first.")
        }
        let member = try ctx.tx.linkContext(issuer)
        let merged = merge(alias, into: member, now: ctx.now)
        var change = LinkChange(guards: [.member(me, alias.version), .member(issuer, member.version)],
                                steps: [.dropCodes(issuer: issuer), .merge(alias: me, into: issuer, person: merged)], at: ctx.now)
        change.audit = [AuditNote(actor: me, action: "link", subject: issuer)]
        let name = merged.displayName
        change.messages = [
            QueuedMessage(ctx.tellDraft(me, "Linked: you are one member with \(handle(name, network: issuer.network, id: issuer.id)). Offers and introductions go to that identity; \"unlink \(me.network)\" undoes it.")),
            QueuedMessage(ctx.tellDraft(issuer, "Linked: \(handle(ctx.message.displayName, network: me.network, id: me.id)) is now you too. Your topics and preferences are shared; \"unlink \(me.network)\" undoes it.")),
        ]
        let moved = try ctx.tx.relink(change)
        linkAttempts[me] = nil
        moveInIndex(from: me, moved)
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for i in 0..<max(a.count, b.count) {
            difference |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0)
        }
        return difference == 0
    }

    /// The member's row once `alias` is part of it: each preference the stricter one,
    /// consent given on either side, the earlier first sighting (issue 7). Topics, blocks and
    /// history move in the store.
    func merge(_ alias: LinkContext, into member: LinkContext, now: Date) -> Person {
        let mine = member.person ?? Person(identity: member.identity, displayName: member.identity.id, firstSeen: now)
        guard let other = alias.person else { return mine }
        var merged = mine
        let order: [AsksFrom] = [.nobody, .channels, .anyone]
        merged.asksFrom = order[min(order.firstIndex(of: mine.asksFrom) ?? 2, order.firstIndex(of: other.asksFrom) ?? 2)]
        switch (mine.maxOffersPerWeek, other.maxOffersPerWeek) {
        case let (a?, b?): merged.maxOffersPerWeek = min(a, b)
        case let (a, b): merged.maxOffersPerWeek = a ?? b
        }
        if let until = [mine.awayUntil, other.awayUntil].compactMap({ $0 }).filter({ $0 > now }).max() { merged.awayUntil = until }
        // Consent given on either side stands; topics come from both.
        merged.optedIn = mine.optedIn == true || other.optedIn == true ? true : (mine.optedIn ?? other.optedIn)
        merged.note = mine.note ?? other.note
        merged.firstSeen = min(mine.firstSeen, other.firstSeen)
        return merged
    }

    /// Every topic of `old` leaves the index (the duplicates a merge dropped too); the ones
    /// that moved come back under their new member.
    func moveInIndex(from old: Identity, _ moved: [Identity: [Topic]]) {
        indexChange { index in
            index.removeAll(member: old)
            for (member, topics) in moved {
                for topic in topics { index.insert(topicID: topic.id, member: member, text: topic.text, analysis: topic.analysis) }
            }
        }
    }

    func unlink(network: String, _ ctx: CommandContext) throws {
        let member = try ctx.tx.linkContext(ctx.member)
        let identities = member.identities
        guard identities.count > 1, let leaving = identities.first(where: { $0.network == network }) else {
            throw Refusal("You have no linked identity on \(network).")
        }
        // A ban on one identity covers the member; unlinking must not shed it.
        guard !member.banned else {
            throw Refusal("Sorry, you can't use Liaison: an admin has banned you.")
        }
        let step: LinkChange.Step
        if leaving == member.identity {
            // The member's own identity leaves: the next one keeps the data.
            guard let heir = identities.first(where: { $0 != member.identity }) else { return }
            step = .handOver(member: member.identity, heir: heir, person: member.person)
        } else {
            step = .unlink(leaving)
        }
        var change = LinkChange(guards: [.member(member.identity, member.version)], steps: [step], at: ctx.now)
        change.audit = [AuditNote(actor: ctx.message.sender, action: "unlink", subject: leaving)]
        change.messages = [QueuedMessage(ctx.replyDraft("Unlinked \(leaving.network): that identity is on its own again, with no topics or preferences; the rest of your member stays as it was."))]
        let moved = try ctx.tx.relink(change)
        if leaving == member.identity { moveInIndex(from: member.identity, moved) }
    }
}
