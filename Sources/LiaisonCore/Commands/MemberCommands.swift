import Foundation

extension CommandCatalog {
    static let optin = ChatCommand(
        "optin", usage: "optin", summary: "become a member: receive introduction offers for the topics you list"
    ) { _, ctx in
        try ctx.requireVerified()
        try ctx.requireNotBanned()
        var me = try ctx.me()
        let was = me.optedIn
        me.optedIn = true
        try ctx.tx.savePerson(me)
        let topics = try ctx.tx.topics(of: ctx.sender)
        if was == true {
            try ctx.reply("You are already opted in.")
        } else if topics.isEmpty {
            try ctx.reply("You're in. Now tell me what you know about: \"expertise add TOPIC1, TOPIC2\".")
        } else {
            try ctx.reply("You're in: you may get introduction offers for \(Text.list(topics.map(\.text))).")
        }
        try ctx.broker.offerStandingRequests(to: ctx.sender, tx: ctx.tx, now: ctx.now)
    }

    static let optout = ChatCommand(
        "optout", usage: "optout", summary: "stop receiving offers (your topics are kept; optin resumes)"
    ) { _, ctx in
        var me = try ctx.me()
        guard me.optedIn == true else {
            try ctx.reply("You are not opted in, so you get no offers.")
            return
        }
        me.optedIn = false
        try ctx.tx.savePerson(me)
        try ctx.reply("Opted out: no more offers. Your topics are kept; \"optin\" resumes.")
    }

    static let topics = ChatCommand(
        "topics", usage: "topics", summary: "the topics people can ask about, with how many members know each"
    ) { _, ctx in
        var counts: [String: (text: String, members: Set<Identity>)] = [:]
        let active = Set(try ctx.tx.members(optedInOnly: true).map(\.identity))
        for topic in try ctx.tx.allTopics() where active.contains(topic.identity) {
            if try ctx.tx.isBanned(topic.identity) { continue }
            counts[topic.key, default: (topic.text, [])].members.insert(topic.identity)
        }
        guard !counts.isEmpty else {
            try ctx.reply("No topics yet. Members add theirs with \"expertise add TOPIC\".")
            return
        }
        let sorted = counts.values.sorted { ($0.members.count, $1.text.lowercased()) > ($1.members.count, $0.text.lowercased()) }
        let shown = sorted.prefix(50).map { "\($0.text.lowercased()) (\($0.members.count))" }
        var text = "Topics: \(shown.joined(separator: ", "))"
        if sorted.count > shown.count { text += ", and \(sorted.count - shown.count) more" }
        try ctx.reply(text + ".")
    }
}
