import Foundation

extension AdminCommands {
    static func alias(_ args: String, _ ctx: CommandContext) throws {
        let parts = args.split(separator: "=", maxSplits: 1).map { ChatText.plain(String($0)) }
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw Refusal("Usage: admin alias ALIAS = TOPIC (for example: admin alias HECM = reverse mortgage).")
        }
        guard parts[0].count <= 100, parts[1].count <= 100 else { throw Refusal("An alias and its topic can be at most 100 characters each.") }
        guard !TopicText.key(parts[0]).isEmpty, !TopicText.key(parts[1]).isEmpty else {
            throw Refusal("Both sides of an alias need words I can match.")
        }
        try changeAliases(set: Alias(alias: parts[0], topic: parts[1]), audit: "alias \(parts[0]) = \(parts[1])",
                          reply: "Alias saved: \(parts[0]) = \(parts[1]).", ctx)
    }

    static func unalias(_ args: String, _ ctx: CommandContext) throws {
        let alias = ChatText.plain(args)
        guard !alias.isEmpty else { throw Refusal("Usage: admin unalias ALIAS.") }
        try changeAliases(remove: alias, audit: "unalias \(alias)", reply: "Alias \(alias) removed.", ctx)
    }

    /// Saves or removes one alias, with its audit entry and reply; the index takes the list as
    /// stored once that is written.
    static func changeAliases(set: Alias? = nil, remove: String? = nil, audit action: String, reply: String,
                              _ ctx: CommandContext) throws {
        if let remove, try !ctx.tx.aliases().contains(where: { TopicText.key($0.alias) == TopicText.key(remove) }) {
            throw Refusal("There is no alias \"\(Text.quote(remove, limit: 60))\".")
        }
        var change = AdminChanges(at: ctx.now)
        change.setAliases = set.map { [$0] } ?? []
        change.removeAliases = remove.map { [$0] } ?? []
        change.audit = [audit(ctx, action)]
        change.messages = [QueuedMessage(ctx.replyDraft(reply))]
        try ctx.tx.changeAdmin(change)
        let all = try ctx.tx.aliases().map { ($0.alias, $0.topic) }
        ctx.broker.indexChange { $0.setAliases(all) }
    }

    static func aliases(_ args: String, _ ctx: CommandContext) throws {
        let list = try ctx.tx.aliases()
        try ctx.reply(list.isEmpty ? "No aliases yet." : "Aliases: " + list.map { "\($0.alias) = \($0.topic)" }.joined(separator: "; ") + ".")
    }

    static func requests(_ args: String, _ ctx: CommandContext) throws {
        var lines: [String] = []
        for listing in try ctx.tx.openRequestList() {
            let request = listing.request
            let offers = listing.pending.isEmpty ? "no pending offers" : "pending offers to \(Text.list(listing.pending))"
            lines.append("#\(request.id) \(listing.requesterName ?? request.requester.id) (\(request.requester.raw)) asks about \(request.topic): \(offers); open until \(Text.date(request.expiresAt))")
        }
        try ctx.reply(lines.isEmpty ? "No open requests." : "Open requests:\n" + lines.joined(separator: "\n"))
    }

    static func audit(_ args: String, _ ctx: CommandContext) throws {
        let arg = args.trimmingCharacters(in: .whitespaces)
        var limit = 10
        if !arg.isEmpty {
            guard arg.allSatisfy(\.isASCII), let n = Int(arg), (1...100).contains(n) else {
                throw Refusal("Usage: admin audit [N], where N is from 1 to 100.")
            }
            limit = n
        }
        let entries = try ctx.tx.audit(limit: limit)
        guard !entries.isEmpty else { return try ctx.reply("No admin actions yet.") }
        let lines = entries.map { "\(Text.date($0.at)) \($0.actor.raw): \($0.describedAction)" }
        try ctx.reply("Last \(Text.plural(entries.count, "admin action")):\n" + lines.joined(separator: "\n"))
    }

    static func reload(_ args: String, _ ctx: CommandContext) throws {
        guard let reloader = ctx.broker.reloader else { throw Refusal("Reload is not available in this process.") }
        let (settings, summary, joins) = try reloader()
        ctx.broker.updateSettings(settings)
        var change = AdminChanges(at: ctx.now)
        for (network, channel) in joins where ctx.broker.networks.contains(network) {
            let parted = try ctx.tx.channelSetting(network: network, channel: channel)?.joined == false
            if !parted { change.messages.append(QueuedMessage(OutboxDraft(.join, to: .channel(network: network, name: channel), text: ""))) }
        }
        change.audit = [audit(ctx, "reload")]
        change.messages.append(QueuedMessage(ctx.replyDraft("Reloaded bot.conf: \(summary)")))
        try ctx.tx.changeAdmin(change)
    }
}
