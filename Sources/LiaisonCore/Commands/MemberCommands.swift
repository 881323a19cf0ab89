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

    /// `topics` is open to anyone, including IRC users without an account, so it must stay
    /// cheap and short however large the directory: one aggregate store query (not one per
    /// topic), and a reply of the most-listed topics that fits in about two IRC lines, with
    /// the number left out and how to reach them ("ask TOPIC" searches them all).
    static let topicsShown = 25
    static let topicsReplyBudget = 600

    static let topics = ChatCommand(
        "topics", usage: "topics", summary: "the topics people can ask about, with how many members know each"
    ) { _, ctx in
        let (listed, total) = try ctx.tx.topicCounts(limit: topicsShown)
        guard total > 0 else {
            try ctx.reply("No topics yet. Members add theirs with \"expertise add TOPIC\".")
            return
        }
        var shown: [String] = []
        var length = 0
        for topic in listed {
            let item = "\(topic.text.lowercased()) (\(topic.members))"
            guard shown.isEmpty || length + item.count + 2 <= topicsReplyBudget else { break }
            shown.append(item)
            length += item.count + 2
        }
        var text = "Topics: \(shown.joined(separator: ", "))"
        if total > shown.count {
            text += ", and \(total - shown.count) more; \"ask TOPIC\" searches them all"
        }
        try ctx.reply(text + ".")
    }
}
