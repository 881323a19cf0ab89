import Foundation

extension CommandCatalog {
    static let expertise = ChatCommand(
        "expertise", usage: "expertise | expertise add T1[, T2 ...] | expertise remove T",
        summary: "list, add or remove the topics you know about"
    ) { args, ctx in
        let words = args.split(separator: " ", maxSplits: 1).map(String.init)
        switch words.first?.lowercased() {
        case nil:
            let topics = try ctx.tx.topics(of: ctx.member)
            if topics.isEmpty {
                try ctx.reply("You have no topics yet. Add some with \"expertise add TOPIC1, TOPIC2\".")
            } else {
                try ctx.reply("Your topics: \(topics.map(\.text).joined(separator: ", ")).")
            }
        case "add":
            try addTopics(words.count > 1 ? words[1] : "", ctx)
        case "remove", "rm", "delete":
            try removeTopic(words.count > 1 ? words[1] : "", ctx)
        default:
            throw Refusal("Usage: expertise, expertise add T1, T2 or expertise remove T.")
        }
    }

    static let know = ChatCommand(
        "know", usage: "know TOPIC[, TOPIC ...]", summary: "add topics you know about (same as expertise add)"
    ) { args, ctx in
        try addTopics(args, ctx, usage: "know TOPIC1, TOPIC2 (for example: know tax law, rust)")
    }

    static let maxTopicsPerMember = 50

    static func addTopics(_ args: String, _ ctx: CommandContext,
                          usage: String = "expertise add TOPIC1, TOPIC2 (for example: expertise add tax law, rust)") throws {
        try ctx.requireVerified()
        try ctx.requireNotBanned()
        let items = args.split(separator: ",").map { ChatText.plain(String($0)) }.filter { !$0.isEmpty }
        guard !items.isEmpty else { throw Refusal("Usage: \(usage).") }
        // Refused before anything is analysed: a line of thousands of items costs nothing.
        guard items.count <= maxTopicsPerMember else {
            throw Refusal("You can list at most \(maxTopicsPerMember) topics; that line names \(items.count).")
        }
        for item in items {
            guard item.count <= TopicText.maxTopicLength else {
                throw Refusal("A topic can be at most \(TopicText.maxTopicLength) characters; \"\(Text.quote(item, limit: 30))\" is \(item.count).")
            }
            guard !TopicText.key(item).isEmpty else {
                throw Refusal("\"\(Text.quote(item, limit: 40))\" has no words I can match; name the subject, like \"tax law\".")
            }
        }
        // Decided on one read of the member's rows, written as one: the person row when new,
        // the topics, the reply; the index changes once that has committed.
        let context = try ctx.memberContext()
        var keys = Set(context.topics.map(\.key))
        var adding: [NewTopic] = []
        var already: [String] = []
        for item in items {
            let topic = NewTopic(item)
            if keys.insert(topic.key).inserted { adding.append(topic) } else { already.append(item) }
        }
        guard keys.count <= maxTopicsPerMember else {
            throw Refusal("You can list at most \(maxTopicsPerMember) topics; remove some first.")
        }
        var text = adding.isEmpty ? "" : "Added \(Text.list(adding.map(\.text)))."
        if !already.isEmpty { text += (text.isEmpty ? "" : " ") + "Already listed: \(Text.list(already))." }
        if context.person?.optedIn != true {
            text += " You're not opted in yet: type \"optin\" to receive introduction offers."
        }
        var change = MemberChanges(context, person: context.person == nil ? ctx.me(context) : nil,
                                   messages: [QueuedMessage(ctx.replyDraft(text))], at: ctx.now)
        change.addTopics = adding
        let added = try ctx.tx.changeMember(change)
        for topic in added {
            ctx.broker.indexChange { $0.insert(topicID: topic.id, member: topic.identity, text: topic.text, analysis: topic.analysis) }
        }
        if !added.isEmpty {
            try ctx.broker.offerStandingRequests(to: ctx.member, tx: ctx.tx, now: ctx.now, topics: added.map(\.text))
        }
    }

    static func removeTopic(_ args: String, _ ctx: CommandContext) throws {
        let item = ChatText.plain(args)
        guard !item.isEmpty else { throw Refusal("Usage: expertise remove TOPIC.") }
        let key = TopicText.key(item)
        let context = try ctx.memberContext()
        let topics = context.topics
        guard let topic = topics.first(where: { $0.key == key && !key.isEmpty })
                ?? topics.first(where: { $0.text.lowercased() == item.lowercased() }) else {
            let list = topics.isEmpty ? "you have none" : "yours are \(topics.map(\.text).joined(separator: ", "))"
            throw Refusal("You don't list \"\(Text.quote(item, limit: 60))\"; \(list).")
        }
        var change = MemberChanges(context, messages: [QueuedMessage(ctx.replyDraft("Removed \(topic.text)."))], at: ctx.now)
        change.removeTopics = [topic.id]
        try ctx.tx.changeMember(change)
        ctx.broker.indexChange { $0.remove(topicID: topic.id) }
    }
}
