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
        try ctx.ensurePerson()
        var added: [String] = []
        var already: [String] = []
        for item in items {
            if let topic = try ctx.tx.addTopic(ctx.member, text: item, key: TopicText.key(item), analysis: TopicText.analysis(item)) {
                added.append(topic.text)
                ctx.broker.indexChange { $0.insert(topicID: topic.id, member: topic.identity, text: topic.text, analysis: topic.analysis) }
            } else {
                already.append(item)
            }
        }
        let count = try ctx.tx.topics(of: ctx.member).count
        guard count <= maxTopicsPerMember else {
            throw Refusal("You can list at most \(maxTopicsPerMember) topics; remove some first.")
        }
        var text = added.isEmpty ? "" : "Added \(Text.list(added))."
        if !already.isEmpty { text += (text.isEmpty ? "" : " ") + "Already listed: \(Text.list(already))." }
        if try ctx.me().optedIn != true {
            text += " You're not opted in yet: type \"optin\" to receive introduction offers."
        }
        try ctx.reply(text)
        if !added.isEmpty {
            try ctx.broker.offerStandingRequests(to: ctx.member, tx: ctx.tx, now: ctx.now, topics: added)
        }
    }

    static func removeTopic(_ args: String, _ ctx: CommandContext) throws {
        let item = ChatText.plain(args)
        guard !item.isEmpty else { throw Refusal("Usage: expertise remove TOPIC.") }
        let key = TopicText.key(item)
        let topics = try ctx.tx.topics(of: ctx.member)
        guard let topic = topics.first(where: { $0.key == key && !key.isEmpty })
                ?? topics.first(where: { $0.text.lowercased() == item.lowercased() }) else {
            let list = topics.isEmpty ? "you have none" : "yours are \(topics.map(\.text).joined(separator: ", "))"
            throw Refusal("You don't list \"\(Text.quote(item, limit: 60))\"; \(list).")
        }
        try ctx.tx.removeTopic(id: topic.id)
        ctx.broker.indexChange { $0.remove(topicID: topic.id) }
        try ctx.reply("Removed \(topic.text).")
    }
}
