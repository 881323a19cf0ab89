import Foundation

/// `admin ...`: private message only, admin identities only (checked before `run`).
enum AdminCommands {
    static let helpText = "Admin commands: admin stats | admin members [TOPIC] | admin remove IDENTITY | admin ban IDENTITY [REASON] | admin unban IDENTITY | admin bans | admin alias ALIAS = TOPIC | admin unalias ALIAS | admin aliases | admin requests | admin join [NETWORK] CHANNEL | admin part [NETWORK] CHANNEL | admin quiet [NETWORK] CHANNEL on|off | admin audit [N] | admin reload. IDENTITY is NETWORK:ID, like console:bob."

    static let subcommands: [String: @Sendable (String, CommandContext) throws -> Void] = [
        "stats": stats, "members": members, "remove": remove, "ban": ban, "unban": unban, "bans": bans,
        "alias": alias, "unalias": unalias, "aliases": aliases, "requests": requests, "join": join,
        "part": part, "quiet": quiet, "audit": audit, "reload": reload,
    ]

    static func identity(_ text: String, usage: String, _ ctx: CommandContext) throws -> Identity {
        guard let id = Identity(parsing: text) else {
            throw Refusal("\"\(Text.quote(text, limit: 60))\" is not an identity; write NETWORK:ID, like console:bob (usage: \(usage)).")
        }
        return ctx.broker.canonical(id)
    }

    /// The audit entry of an admin action, for a change written as one; logged now.
    static func audit(_ ctx: CommandContext, _ action: String, subject: Identity? = nil) -> AuditNote {
        // The stored action keeps "{subject}" so that a forget of the subject can blank it;
        // the log line names them.
        ctx.broker.log("info: admin \(ctx.member): \(action.replacingOccurrences(of: "{subject}", with: subject?.raw ?? "-"))")
        return AuditNote(actor: ctx.member, action: action, subject: subject)
    }

    static func stats(_ args: String, _ ctx: CommandContext) throws {
        let s = try ctx.tx.stats(topGivers: 5)
        let answered = s.acceptedOffers + s.declinedOffers + s.expiredOffers
        let rate = answered == 0 ? "n/a" : "\(Int((Double(s.acceptedOffers) / Double(answered) * 100).rounded()))%"
        let perNetwork = s.membersPerNetwork.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        let givers = s.topGivers.map { "\($0.displayName) (\($0.identity.raw)): \(Text.plural($0.introductions, "introduction")), \($0.thanked) thanked" }
        var text = "Members: \(s.members)"
        if !perNetwork.isEmpty {
            text += " (\(perNetwork.joined(separator: ", "))"
            text += s.linkedMembers > 0 ? "; \(s.linkedMembers) linked across networks)" : ")"
        }
        text += ". Topics: \(s.topics). Requests: \(s.requests) (\(s.openRequests) open). Offers: \(s.offers) (\(s.acceptedOffers) accepted, \(s.declinedOffers) declined, \(s.expiredOffers) lapsed). Introductions: \(s.introductions), thanked: \(s.thanks). Acceptance rate: \(rate)."
        text += givers.isEmpty ? " Top givers: none yet." : " Top givers: \(givers.joined(separator: "; "))."
        try ctx.reply(text)
    }

    static func members(_ args: String, _ ctx: CommandContext) throws {
        let filter = ChatText.plain(args)
        var lines: [String] = []
        for listing in try ctx.tx.memberList() {
            let person = listing.person, topics = listing.topics
            guard person.optedIn != nil || !topics.isEmpty else { continue }
            if !filter.isEmpty, !topics.contains(where: { ctx.broker.index.relevance(query: filter, topic: $0.text) > 0 }) { continue }
            var flags: [String] = []
            if person.optedIn == false { flags.append("opted out") }
            if person.optedIn == nil { flags.append("not opted in") }
            if person.isAway(at: ctx.now) { flags.append("away") }
            if listing.banned { flags.append("banned") }
            let flagText = flags.isEmpty ? "" : " [\(flags.joined(separator: ", "))]"
            let ids = ([person.identity] + listing.linked).map(\.raw).joined(separator: " + ")
            lines.append("\(person.displayName) (\(ids))\(flagText): \(topics.map(\.text).joined(separator: ", "))")
        }
        if lines.isEmpty {
            try ctx.reply(filter.isEmpty ? "No members yet." : "No member knows about \(Text.quote(filter, limit: 60)).")
        } else {
            try ctx.reply("\(Text.plural(lines.count, "member")):\n" + lines.joined(separator: "\n"))
        }
    }

    static func remove(_ args: String, _ ctx: CommandContext) throws {
        let id = try identity(args, usage: "admin remove IDENTITY", ctx)
        guard try ctx.tx.storesAnything(about: [id]) else { throw Refusal("I store nothing about \(id.raw).") }
        try ctx.broker.erase(try ctx.tx.linkContext(id), audit: [audit(ctx, "removed a member and their data")], tx: ctx.tx, now: ctx.now)
        try ctx.tx.reply([QueuedMessage(ctx.replyDraft("Removed \(id.raw) and their data."))], at: ctx.now)
    }

    static func ban(_ args: String, _ ctx: CommandContext) throws {
        let parts = args.split(separator: " ", maxSplits: 1).map(String.init)
        guard let first = parts.first else { throw Refusal("Usage: admin ban IDENTITY [REASON].") }
        let id = try identity(first, usage: "admin ban IDENTITY [REASON]", ctx)
        guard id != ctx.member else { throw Refusal("You can't ban yourself.") }
        let banned = try ctx.tx.linkContext(id)
        guard !banned.banned else { throw Refusal("\(id.raw) is already banned.") }
        let reason = parts.count > 1 ? Text.quote(parts[1], limit: 200) : nil
        // The ban is written first, so that the refills below see it.
        var change = AdminChanges(at: ctx.now)
        change.guards = [.member(id, banned.version)]
        change.bans = [Ban(identity: id, reason: reason, bannedBy: ctx.member, createdAt: ctx.now)]
        try ctx.tx.changeAdmin(change)
        ctx.broker.topicsListing = nil   // a banned member's topics no longer count
        // A ban ends what the member had under way, whichever of their identities it names:
        // their open requests and offers to them.
        let touched = try ctx.broker.endUnderWay(banned.memberOf ?? id, tx: ctx.tx, now: ctx.now)
        try ctx.broker.refill(touched, tx: ctx.tx, now: ctx.now)
        var done = AdminChanges(at: ctx.now)
        done.audit = [audit(ctx, "ban {subject}\(reason.map { " (reason: \($0))" } ?? "")", subject: id)]
        done.messages = [QueuedMessage(ctx.replyDraft("Banned \(id.raw): they can neither ask nor receive offers."))]
        try ctx.tx.changeAdmin(done)
    }

    static func unban(_ args: String, _ ctx: CommandContext) throws {
        let id = try identity(args, usage: "admin unban IDENTITY", ctx)
        guard try ctx.tx.bans().contains(where: { $0.identity == id }) else { throw Refusal("\(id.raw) is not banned.") }
        var change = AdminChanges(at: ctx.now)
        change.unbans = [id]
        change.audit = [audit(ctx, "unban {subject}", subject: id)]
        change.messages = [QueuedMessage(ctx.replyDraft("Unbanned \(id.raw)."))]
        try ctx.tx.changeAdmin(change)
        ctx.broker.topicsListing = nil
    }

    static func bans(_ args: String, _ ctx: CommandContext) throws {
        let list = try ctx.tx.bans()
        guard !list.isEmpty else { return try ctx.reply("Nobody is banned.") }
        try ctx.reply("Banned: " + list.map { "\($0.identity.raw) by \($0.bannedBy.raw) on \(Text.date($0.createdAt))\($0.reason.map { " (\($0))" } ?? "")" }.joined(separator: "; ") + ".")
    }
}
