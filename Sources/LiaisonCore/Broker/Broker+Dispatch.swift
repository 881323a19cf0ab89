import Foundation

extension Broker {
    /// Works out what a message asks for (SPEC §2) and runs it.
    func dispatch(_ message: IncomingMessage, tx: any StoreTransaction, now: Date) throws {
        // Only people who did something that needs it have a row (see CommandContext.me);
        // talking to the bot stores nothing, so `forget` stays forgotten. The console
        // remembers who spoke where (SPEC §7); live networks report membership.
        var consoleChannel: String?
        if message.network == NetworkName.console, case .channel(let channel) = message.place { consoleChannel = channel }
        let stamp = EventStamp(network: message.network, eventID: message.eventID, sender: message.sender,
                               displayName: message.displayName, consoleChannel: consoleChannel, at: now)
        guard try tx.stamp(stamp) else { return }   // already handled before a restart: never twice
        let text = ChatText.plain(message.text)
        switch message.place {
        case .direct:
            // "!help" in private is "help": the prefix is only needed in channels.
            let command = text.hasPrefix(settings.prefix) ? String(text.dropFirst(settings.prefix.count)) : text
            guard !command.isEmpty else { return }
            try runCommand(command, message: message, tx: tx, now: now)
        case .channel(let channel):
            if let setting = try tx.channelSetting(network: message.network, channel: channel),
               setting.joined == false { return }
            try dispatchChannel(text, channel: channel, message: message, tx: tx, now: now)
        }
    }

    private func dispatchChannel(_ text: String, channel: String, message: IncomingMessage,
                                 tx: any StoreTransaction, now: Date) throws {
        if !message.isAction, text.hasPrefix(settings.prefix) {
            let command = String(text.dropFirst(settings.prefix.count)).trimmingCharacters(in: .whitespaces)
            guard let first = command.first, first.isLetter else { return }
            // "!weather london" is another bot's command: not ours to answer.
            guard let word = command.split(separator: " ").first, CommandCatalog.find(word.lowercased()) != nil else { return }
            try runCommand(command, message: message, tx: tx, now: now)
            return
        }
        var body = text
        var addressed = message.mentionsBot
        if let rest = Self.stripAddress(text, nick: message.botNick) {
            body = rest
            addressed = true
        }
        if addressed, !message.isAction, let word = body.split(separator: " ").first,
           CommandCatalog.find(String(word).lowercased()) != nil {
            try runCommand(body, message: message, tx: tx, now: now)
            return
        }
        let quiet = try tx.channelSetting(network: message.network, channel: channel)?.quiet ?? false
        guard addressed || (message.listensToQuestions && !quiet) else { return }
        if let topic = RequestDetector.detect(body, addressed: addressed) {
            let ctx = try commandContext(for: message, tx: tx, now: now)
            try ask(topic: topic, original: text, ctx: ctx, origin: .heard)
        } else if addressed {
            let ctx = try commandContext(for: message, tx: tx, now: now)
            ctx.replyPrivately = true
            try ctx.reply("Try \"\(settings.prefix)help\" for what I can do, or ask \"\(message.botNick): who knows about TOPIC?\".")
        }
    }

    /// `liaison: ask x`, `liaison, who knows rust?`, `@liaison ask x` -> the rest; nil if not addressed.
    static func stripAddress(_ text: String, nick: String) -> String? {
        var t = Substring(text)
        for greeting in ["hey ", "hi ", "hello ", "ok ", "okay ", "yo "] where t.lowercased().hasPrefix(greeting) {
            t = t.dropFirst(greeting.count).drop { $0 == " " }
            break
        }
        if t.hasPrefix("@") { t = t.dropFirst() }
        guard t.count > nick.count, t.prefix(nick.count).lowercased() == nick.lowercased() else { return nil }
        let after = t.dropFirst(nick.count)
        guard let sep = after.first, sep == ":" || sep == "," || sep == " " else { return nil }
        let rest = after.dropFirst().trimmingCharacters(in: .whitespaces)
        return rest.isEmpty ? nil : rest
    }

    func runCommand(_ text: String, message: IncomingMessage, tx: any StoreTransaction, now: Date) throws {
        guard try withinCommandBudget(message.sender, now: now) else { return }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let name: String
        let args: String
        if let space = trimmed.firstIndex(of: " ") {
            name = trimmed[..<space].lowercased()
            args = trimmed[space...].trimmingCharacters(in: .whitespaces)
        } else {
            name = trimmed.lowercased()
            args = ""
        }
        let ctx = try commandContext(for: message, tx: tx, now: now)
        guard let command = CommandCatalog.find(name) else {
            if let topic = RequestDetector.detect(trimmed, addressed: true) {
                // A question to the bot is the `ask` it means, privately as in a channel.
                if message.place == .direct {
                    try ask(topic: topic, original: trimmed, ctx: ctx, origin: .command)
                    return
                }
                throw Refusal("To ask for an introduction, type \"\(settings.prefix)ask \(Text.quote(topic, limit: 80))\".")
            }
            let hint = message.place == .direct ? "help" : "\(settings.prefix)help"
            if Self.greetings.contains(trimmed.lowercased().trimmingCharacters(in: .punctuationCharacters.union(.whitespaces))) {
                try ctx.reply("Hello! I introduce people who ask about something to members who know about it, when both agree. Type \"\(hint)\" to see what I can do.")
                return
            }
            throw Refusal("I don't know the command \"\(String(name.prefix(40)))\"; type \"\(hint)\" for the list.")
        }
        if !command.answeredInChannel { ctx.replyPrivately = true }
        if command.admin {
            guard isAdmin(message.sender), message.verified else {
                log("warning: refused admin command from \(message.sender): \(String(text.prefix(80)))")
                throw Refusal("Sorry, admin commands are only for Liaison's admins.")
            }
            guard message.place == .direct else {
                throw Refusal("Admin commands work only in a private message to me.")
            }
        }
        try command.run(args, ctx)
    }

    static let greetings: Set<String> = ["hello", "hi", "hey", "hiya", "howdy", "yo", "hello there", "hi there", "hey there",
                                         "good morning", "good afternoon", "good evening", "greetings"]

    /// Abuse (issue 6): one person's flood of commands must not cost the others their turn,
    /// nor grow the outbox without bound. Past `commands_per_minute`, the first extra
    /// command gets one sentence and the rest are dropped unread until the minute is over.
    func withinCommandBudget(_ sender: Identity, now: Date) throws -> Bool {
        // The console is local and trusted (SPEC §6): a script piped into it runs whole.
        guard settings.commandsPerMinute > 0, sender.network != NetworkName.console else { return true }
        if commandBudget.count > 10_000 { commandBudget = commandBudget.filter { now.timeIntervalSince($0.value.start) < 60 } }
        var budget = commandBudget[sender] ?? (now, 0, false)
        if now.timeIntervalSince(budget.start) >= 60 { budget = (now, 0, false) }
        budget.count += 1
        let over = budget.count > settings.commandsPerMinute
        let notice = over && !budget.noticed
        if over { budget.noticed = true }
        commandBudget[sender] = budget
        guard notice else { return !over }
        log("warning: \(sender) sent more than \(settings.commandsPerMinute) commands in a minute; ignoring them for the rest of it")
        let wait = max(1, Int((60 - now.timeIntervalSince(budget.start)).rounded(.up)))
        throw Refusal("You're sending more than \(settings.commandsPerMinute) commands a minute; I'll read yours again in \(Text.plural(wait, "second")).")
    }

    /// The context a command of `message` runs in; a refusal is answered where it says.
    func commandContext(for message: IncomingMessage, tx: any StoreTransaction, now: Date) throws -> CommandContext {
        let ctx = try CommandContext(broker: self, tx: tx, now: now, message: message)
        currentContext = ctx
        return ctx
    }
}
