import Foundation

extension CommandCatalog {
    static let mydata = ChatCommand("mydata", usage: "mydata", summary: "everything stored about you") { _, ctx in
        // A linked member is every identity of theirs.
        let data = try ctx.tx.storedData(about: ctx.member)
        guard !data.rows.isEmpty else {
            try ctx.reply("I store nothing about you.")
            return
        }
        try ctx.reply(describeData(data))
    }

    /// What is stored about a person, grouped as they would recognise it, with dates and
    /// without internal columns; every stored row is counted in one of the groups.
    static func describeData(_ data: StoredData) -> String {
        var lines = ["Everything I store about you (\(Text.plural(data.rows.count, "record"))):"]
        lines.append("Identities: \(data.identities.map(\.raw).joined(separator: ", ")).")
        if let person = data.person {
            let status = person.optedIn == true ? "opted in" : person.optedIn == false ? "opted out" : "not opted in"
            var about = ["name \(person.displayName)", status, "asks-from \(person.asksFrom.rawValue)", "first seen \(Text.date(person.firstSeen))"]
            if let limit = person.maxOffersPerWeek { about.append("at most \(Text.plural(limit, "offer")) a week") }
            if let until = person.awayUntil { about.append(until >= .distantFuture ? "away until you say back" : "away until \(Text.date(until))") }
            if let note = person.note { about.append("note \"\(note)\"") }
            lines.append("You: \(about.joined(separator: ", ")).")
        }
        let topics = data.topics.map(\.text)
        if !topics.isEmpty { lines.append("Topics: \(topics.joined(separator: ", ")).") }
        if !data.channels.isEmpty { lines.append("Channels I saw you in: \(data.channels.sorted().joined(separator: ", ")).") }
        if !data.requests.isEmpty {
            lines.append("Your requests: " + data.requests.map { "#\($0.id) \($0.topic) (\($0.status.rawValue), asked \(Text.date($0.createdAt)))" }.joined(separator: "; ") + ".")
        }
        if !data.offers.isEmpty {
            lines.append("Offers made to you: " + data.offers.map { "#\($0.requestID) (\($0.status.rawValue), \(Text.date($0.createdAt)))" }.joined(separator: "; ") + ".")
        }
        if !data.introductions.isEmpty {
            let me = data.identities[0]
            let parts = data.introductions.map { intro, otherName in
                let other = intro.requester == me ? intro.expert : intro.requester
                return "#\(intro.requestID) \(intro.topic) with \(otherName ?? other.id) (\(Text.date(intro.createdAt))\(intro.thankedAt == nil ? "" : ", thanked"))"
            }
            lines.append("Introductions: \(parts.joined(separator: "; ")).")
        }
        // The rest, counted by what it is for.
        let shown: Set<String> = ["person", "topic", "channel_member", "request", "offer", "introduction"]
        let labels = ["outbox": "messages waiting to be delivered to you or naming you", "outbox_about": "of them naming you",
                      "block": "people you blocked (kept only as digests)", "ban": "bans", "audit": "admin log entries",
                      "link": "links between your identities", "link_code": "link codes waiting", "network_state": "chat-network records (your direct room)"]
        var others: [String: Int] = [:]
        for row in data.rows where !shown.contains(row.table) { others[row.table, default: 0] += 1 }
        if !others.isEmpty {
            lines.append("Also: " + others.sorted { $0.key < $1.key }.map { "\($0.value) \(labels[$0.key] ?? $0.key)" }.joined(separator: ", ") + ".")
        }
        lines.append("\"forget\" deletes all of it.")
        return lines.joined(separator: "\n")
    }

    static let forgetWindow: TimeInterval = 600

    static let forget = ChatCommand(
        "forget", usage: "forget, then forget confirm", summary: "delete everything stored about you"
    ) { args, ctx in
        let arg = args.trimmingCharacters(in: .whitespaces).lowercased()
        switch arg {
        case "":
            // Refused at the first step, not after walking them through it.
            let member = try ctx.tx.linkContext(ctx.member)
            if member.banned {
                throw Refusal("A banned identity can't use forget; ask an admin.")
            }
            guard try ctx.tx.storesAnything(about: member.identities) else {
                try ctx.reply("I store nothing about you, so there is nothing to forget.")
                return
            }
            ctx.broker.forgetRequested[ctx.member] = ctx.now
            try ctx.reply("This deletes your topics, preferences, requests, offers and introductions (they stay only as anonymous counts). Type \"forget confirm\" within 10 minutes to go ahead.")
        case "confirm":
            guard let asked = ctx.broker.forgetRequested[ctx.member], ctx.now.timeIntervalSince(asked) <= forgetWindow else {
                throw Refusal("Type \"forget\" first, then \"forget confirm\" within 10 minutes.")
            }
            let member = try ctx.tx.linkContext(ctx.member)
            if member.banned {
                throw Refusal("A banned identity can't use forget; ask an admin.")
            }
            try ctx.broker.erase(member, tx: ctx.tx, now: ctx.now)
            ctx.broker.forgetRequested[ctx.member] = nil
            try ctx.tx.reply([QueuedMessage(ctx.replyDraft("Done: I no longer store anything about you."))], at: ctx.now)
        default:
            throw Refusal("Usage: forget, then forget confirm.")
        }
    }
}

extension Broker {
    /// `forget` and `admin remove`: end what the identity had under way, then delete every row
    /// of it and of the identities linked into it (`audit`: written with the deletion).
    func erase(_ id: LinkContext, audit: [AuditNote] = [], tx: any StoreTransaction, now: Date) throws {
        let touched = try endUnderWay(id.identity, tx: tx, now: now)
        var erasure = Erasure(guards: [], identities: id.identities, at: now)
        erasure.audit = audit
        try tx.erase(erasure)
        indexChange { $0.removeAll(member: id.identity) }
        heardBeforeLexicon.removeAll { id.identities.contains($0.message.sender) }
        try refill(touched, tx: tx, now: now)
    }

    /// Cancels the open requests of `member` and ends every pending offer to them (a ban, an
    /// erasure). Returns the requests whose offers ended, to refill once the member is gone.
    func endUnderWay(_ member: Identity, tx: any StoreTransaction, now: Date) throws -> [Int64] {
        for request in try tx.requests(of: member, status: .open) {
            try cancel(request, .removed, tx: tx, now: now)
        }
        return try withdrawOffers(to: member, tx: tx, now: now)
    }
}
