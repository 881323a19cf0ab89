import Foundation

extension CommandCatalog {
    static let optin = ChatCommand(
        "optin", usage: "optin", summary: "become a member: receive introduction offers for the topics you list"
    ) { _, ctx in
        try ctx.requireVerified()
        let context = try ctx.memberContext()
        if context.banned { throw Refusal.banned }
        var me = ctx.me(context)
        let was = me.optedIn
        me.optedIn = true
        let topics = context.topics
        let text = if was == true {
            "You are already opted in."
        } else if topics.isEmpty {
            "You're in. Now tell me what you know about: \"expertise add TOPIC1, TOPIC2\"."
        } else {
            "You're in: you may get introduction offers for \(Text.list(topics.map(\.text)))."
        }
        try ctx.save(me, context, reply: text)
        ctx.broker.topicsListing = nil   // their topics count now
        try ctx.broker.offerStandingRequests(to: ctx.member, tx: ctx.tx, now: ctx.now)
    }

    static let optout = ChatCommand(
        "optout", usage: "optout", summary: "stop receiving offers (your topics are kept; optin resumes)"
    ) { _, ctx in
        let context = try ctx.memberContext()
        var me = ctx.me(context)
        guard me.optedIn == true else {
            try ctx.reply("You are not opted in, so you get no offers.")
            return
        }
        me.optedIn = false
        try ctx.save(me, context, reply: "Opted out: no more offers. Your topics are kept; \"optin\" resumes.")
        ctx.broker.topicsListing = nil
    }
}
