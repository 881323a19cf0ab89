import Foundation

extension CommandCatalog {
    static let ask = ChatCommand(
        "ask", usage: "ask TOPIC", summary: "ask for an introduction to someone who knows TOPIC",
        answeredInChannel: true
    ) { args, ctx in
        let plain = ChatText.plain(args)
        guard !plain.isEmpty else {
            throw Refusal("Usage: ask TOPIC (for example: ask reverse mortgages).")
        }
        try ctx.broker.ask(topic: RequestDetector.reduceTopic(plain), original: plain, ctx: ctx, origin: .command)
    }

    static let requests = ChatCommand(
        "requests", usage: "requests", summary: "your open requests, and the offers waiting for your answer"
    ) { _, ctx in
        let report = try ctx.tx.requestsReport(of: ctx.member)
        let lines = report.mine.map { mine in
            var state = mine.pendingOffers > 0 ? "waiting for \(Text.plural(mine.pendingOffers, "answer"))" : "standing, waiting for someone new"
            if mine.introductions > 0 { state += ", \(Text.plural(mine.introductions, "introduction")) made" }
            return "#\(mine.request.id) \(mine.request.topic) (\(state); open until \(Text.date(mine.request.expiresAt)))"
        }
        let offers = report.waiting.map { "#\($0.request.id) from \($0.requesterName ?? "someone"): \($0.request.topic)" }
        if lines.isEmpty && offers.isEmpty {
            try ctx.reply("You have no open requests and no offers waiting.")
            return
        }
        var text = lines.isEmpty ? "No open requests." : "Your open requests: \(lines.joined(separator: "; "))."
        if !offers.isEmpty {
            text += " Offers waiting for your answer (accept ID / decline ID): \(offers.joined(separator: "; "))."
        }
        try ctx.reply(text)
    }

    static let cancel = ChatCommand("cancel", usage: "cancel ID", summary: "cancel your request ID") { args, ctx in
        let id = try ctx.requestID(args, usage: "cancel ID")
        guard let request = try ctx.tx.request(id), request.requester == ctx.member else {
            throw Refusal("You have no request #\(id).")
        }
        guard request.status == .open else {
            throw Refusal("Request #\(id) is already \(request.status.rawValue).")
        }
        try ctx.broker.plan(request, tx: ctx.tx, now: ctx.now) { plan in
            plan.trailing.append(QueuedMessage(ctx.replyDraft("Cancelled request #\(id) (\(request.topic)).")))
            return plan.after.cancel(.cancelled, now: ctx.now)
        }
    }
}
