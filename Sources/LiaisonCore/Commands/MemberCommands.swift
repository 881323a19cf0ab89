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
        ctx.broker.topicsListing = nil   // their topics count now
        let topics = try ctx.tx.topics(of: ctx.member)
        if was == true {
            try ctx.reply("You are already opted in.")
        } else if topics.isEmpty {
            try ctx.reply("You're in. Now tell me what you know about: \"expertise add TOPIC1, TOPIC2\".")
        } else {
            try ctx.reply("You're in: you may get introduction offers for \(Text.list(topics.map(\.text))).")
        }
        try ctx.broker.offerStandingRequests(to: ctx.member, tx: ctx.tx, now: ctx.now)
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
        ctx.broker.topicsListing = nil
        try ctx.reply("Opted out: no more offers. Your topics are kept; \"optin\" resumes.")
    }
}
