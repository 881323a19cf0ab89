import Foundation

extension CommandCatalog {
    static let away = ChatCommand(
        "away", usage: "away [DURATION]", summary: "pause offers, for DURATION (like 3d or 2w) or until you say back"
    ) { args, ctx in
        let context = try ctx.memberContext()
        var me = ctx.me(context)
        let arg = args.trimmingCharacters(in: .whitespaces)
        if arg.isEmpty {
            me.awayUntil = .distantFuture
            try ctx.save(me, context, reply: "Offers paused until you say \"back\"." + notMember(me))
            return
        }
        guard let seconds = DurationText.parse(arg) ?? years(arg), seconds > 0 else {
            throw Refusal("\"\(Text.quote(arg, limit: 20))\" is not a duration; use a number and a unit, like 90m, 12h, 3d or 2w.")
        }
        // One bound, whatever the unit: a year (longer is "away" with no duration).
        guard seconds <= maxAway else {
            throw Refusal("That is longer than a year; say \"away\" with no duration to pause offers until you say \"back\".")
        }
        me.awayUntil = ctx.now.addingTimeInterval(seconds)
        try ctx.save(me, context, reply: "Offers paused for \(DurationText.exact(seconds)), until \(Text.date(ctx.now.addingTimeInterval(seconds))). \"back\" resumes them sooner." + notMember(me))
    }

    static let back = ChatCommand("back", usage: "back", summary: "resume offers after away") { _, ctx in
        let context = try ctx.memberContext()
        var me = ctx.me(context)
        guard me.isAway(at: ctx.now) else {
            try ctx.reply("You weren't away; offers are on\(me.optedIn == true ? "" : " once you optin").")
            return
        }
        me.awayUntil = nil
        try ctx.save(me, context, reply: me.optedIn == true ? "Welcome back: offers resumed." : "Welcome back." + notMember(me))
        try ctx.broker.offerStandingRequests(to: ctx.member, tx: ctx.tx, now: ctx.now)
    }

    static let prefs = ChatCommand(
        "prefs", usage: "prefs; prefs asks-from anyone|channels|nobody; prefs max-offers N; prefs note [TEXT|clear]",
        summary: "show or change who may ask you for an introduction, your weekly limit and the note added to your introductions"
    ) { args, ctx in
        let parts = args.split(separator: " ", maxSplits: 1).map(String.init)
        let context = try ctx.memberContext()
        var me = ctx.me(context)
        switch parts.first?.lowercased() {
        case nil:
            try ctx.reply(try describePrefs(me, ctx))
        case "asks-from":
            let value = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces).lowercased() : ""
            guard let choice = AsksFrom(rawValue: value) else {
                throw Refusal("Usage: prefs asks-from anyone|channels|nobody.")
            }
            me.asksFrom = choice
            let meaning: String = switch choice {
            case .anyone: "anyone may ask to be introduced to you"
            case .channels: "only people who share a channel with you may ask to be introduced to you"
            case .nobody: "nobody may ask to be introduced to you (no offers come)"
            }
            try ctx.save(me, context, reply: "Saved: \(meaning).")
        case "max-offers":
            let value = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
            guard value.allSatisfy(\.isASCII), let n = Int(value), (0...100).contains(n) else {
                throw Refusal("Usage: prefs max-offers N, where N is a whole number from 0 to 100.")
            }
            me.maxOffersPerWeek = n
            try ctx.save(me, context, reply: "Saved: at most \(Text.plural(n, "offer")) a week.")
        case "note":
            let note = parts.count > 1 ? Text.quote(ChatText.plain(parts[1]), limit: 10_000) : ""
            // Bare `prefs note` shows the note; removing it takes the explicit word.
            guard !note.isEmpty else {
                try ctx.reply(me.note.map { "Your note: \"\($0)\". \"prefs note clear\" removes it." }
                              ?? "You have no note. \"prefs note TEXT\" adds one to your introductions.")
                return
            }
            guard note.count <= 200 else {
                throw Refusal("A note can be at most 200 characters; yours is \(note.count).")
            }
            if note.lowercased() == "clear" {
                guard me.note != nil else { throw Refusal("You have no note to clear.") }
                me.note = nil
            } else {
                me.note = note
            }
            try ctx.save(me, context, reply: me.note == nil ? "Note removed." : "Saved: your introductions will add \"\(note)\".")
        default:
            throw Refusal("Usage: prefs; prefs asks-from anyone|channels|nobody; prefs max-offers N; prefs note [TEXT|clear].")
        }
    }

    /// The longest `away DURATION`; longer is `away` alone.
    static let maxAway: TimeInterval = 365 * 86_400

    /// `2y`, so that any number of years meets the same bound as weeks do.
    static func years(_ text: String) -> TimeInterval? {
        let t = text.lowercased()
        guard t.hasSuffix("y"), let n = Int(t.dropLast()), n >= 0, t.dropLast().allSatisfy(\.isASCII) else { return nil }
        return TimeInterval(min(n, 1_000)) * 365 * 86_400
    }

    static func notMember(_ me: Person) -> String {
        me.optedIn == true ? "" : " (You're not opted in, so you get no offers until you type \"optin\".)"
    }

    static func describePrefs(_ me: Person, _ ctx: CommandContext) throws -> String {
        let status: String = switch me.optedIn {
        case true?: "opted in"
        case false?: "opted out"
        case nil: "not a member yet (optin)"
        }
        var parts = [status]
        if let until = me.awayUntil, until > ctx.now {
            parts.append(until == .distantFuture ? "away until you say back" : "away until \(Text.date(until))")
        }
        parts.append("asks-from \(me.asksFrom.rawValue)")
        let limit = me.maxOffersPerWeek.map { "max-offers \($0): at most \(Text.plural($0, "offer")) a week" }
            ?? "max-offers: at most \(Text.plural(ctx.settings.maxOffersPerWeek, "offer")) a week (the default)"
        parts.append(limit)
        parts.append(me.note.map { "note \"\($0)\"" } ?? "no note")
        let blocked = try ctx.tx.blockedRequesters(blocker: ctx.member)
        if blocked.isEmpty {
            parts.append("nobody blocked")
        } else {
            let names = blocked.map { "the requester of #\($0.requestID)\($0.requesterName.map { " (\($0))" } ?? "")" }
            parts.append("blocked: \(Text.list(names))")
        }
        return "Your preferences: \(parts.joined(separator: "; "))."
    }
}
