import Foundation

extension AdminCommands {
    /// `[NETWORK] CHANNEL ...`: the network may be left out when the bot runs only one.
    static func channelArgs(_ args: String, usage: String, _ ctx: CommandContext) throws -> (String, String, [String]) {
        var words = args.split(separator: " ").map(String.init)
        guard !words.isEmpty else { throw Refusal("Usage: \(usage).") }
        var network: String
        if let first = words.first, !first.hasPrefix("#"), !first.hasPrefix("!"), !first.hasPrefix("&") {
            network = first.lowercased()
            words.removeFirst()
            guard ctx.broker.networks.contains(network) else {
                throw Refusal("I don't run a network called \"\(Text.quote(network, limit: 40))\"; mine: \(ctx.broker.networks.joined(separator: ", ")).")
            }
        } else {
            guard ctx.broker.networks.count == 1, let only = ctx.broker.networks.first else {
                throw Refusal("I run several networks (\(ctx.broker.networks.joined(separator: ", "))); say which: \(usage).")
            }
            network = only
        }
        guard let channel = words.first, channel.count >= 2, channel.count <= 200,
              ["#", "!", "&"].contains(channel.first.map(String.init) ?? ""),
              !channel.contains(where: { $0 == "," || $0.isWhitespace || $0.asciiValue.map { $0 < 32 } == true })
        else { throw Refusal("Usage: \(usage) (a channel starts with #).") }
        return (network, channel, Array(words.dropFirst()))
    }

    static func join(_ args: String, _ ctx: CommandContext) throws {
        try setJoined(true, args, ctx)
    }

    static func part(_ args: String, _ ctx: CommandContext) throws {
        try setJoined(false, args, ctx)
    }

    /// A persisted join or part wins over the config's channel list; the transport acts on
    /// the outbox entry.
    static func setJoined(_ joined: Bool, _ args: String, _ ctx: CommandContext) throws {
        let verb = joined ? "join" : "part"
        let (network, channel, _) = try channelArgs(args, usage: "admin \(verb) [NETWORK] CHANNEL", ctx)
        var setting = try ctx.tx.channelSetting(network: network, channel: channel)
            ?? ChannelSetting(network: network, channel: channel, joined: nil, quiet: false)
        setting.joined = joined
        // The setting, the transport's join or part, the audit entry and the reply: one write.
        var change = AdminChanges(at: ctx.now)
        change.channelSettings = [setting]
        change.audit = [audit(ctx, "\(verb) \(network) \(channel)")]
        change.messages = [QueuedMessage(OutboxDraft(joined ? .join : .part, to: .channel(network: network, name: channel), text: "")),
                           QueuedMessage(ctx.replyDraft(joined ? "Joining \(channel) on \(network)."
                                                        : "Leaving \(channel) on \(network); I stay out until an admin says \"admin join\"."))]
        try ctx.tx.changeAdmin(change)
    }

    static func quiet(_ args: String, _ ctx: CommandContext) throws {
        let usage = "admin quiet [NETWORK] CHANNEL on|off"
        let (network, channel, rest) = try channelArgs(args, usage: usage, ctx)
        guard rest.count == 1, let on = ["on": true, "yes": true, "off": false, "no": false][rest[0].lowercased()] else {
            throw Refusal("Usage: \(usage).")
        }
        var setting = try ctx.tx.channelSetting(network: network, channel: channel)
            ?? ChannelSetting(network: network, channel: channel, joined: nil, quiet: false)
        setting.quiet = on
        var change = AdminChanges(at: ctx.now)
        change.channelSettings = [setting]
        change.audit = [audit(ctx, "quiet \(network) \(channel) \(on ? "on" : "off")")]
        change.messages = [QueuedMessage(ctx.replyDraft(on ? "Quiet in \(channel): I answer only commands there now."
                                                        : "Listening for questions in \(channel) again."))]
        try ctx.tx.changeAdmin(change)
    }
}

extension CommandCatalog {
    static let admin = ChatCommand(
        "admin", usage: "admin COMMAND", summary: "admin commands (admins only, private message only)", admin: true
    ) { args, ctx in
        let parts = args.split(separator: " ", maxSplits: 1).map(String.init)
        guard let name = parts.first?.lowercased(), let run = AdminCommands.subcommands[name] else {
            throw Refusal(parts.isEmpty ? AdminCommands.helpText
                          : "There is no admin command \"\(Text.quote(parts[0], limit: 30))\". \(AdminCommands.helpText)")
        }
        try run(parts.count > 1 ? parts[1] : "", ctx)
    }
}
