import Foundation

extension CommandCatalog {
    static let block = ChatCommand(
        "block", usage: "block ID", summary: "never again get offers from the requester of request ID (they are not told)"
    ) { args, ctx in
        let id = try ctx.requestID(args, usage: "block ID")
        // Only someone who was offered the request knows who asked it.
        guard var offer = try ctx.tx.offer(requestID: id, expert: ctx.member), let request = try ctx.tx.request(id) else {
            throw Refusal("You have no offer #\(id) to block.")
        }
        guard try ctx.tx.addBlock(blocker: ctx.member, blocked: request.requester, requestID: id, at: ctx.now) else {
            throw Refusal("You already blocked the requester of #\(id).")
        }
        var text = "Blocked: you won't get offers from the requester of #\(id) again. They are not told."
        if offer.status == .pending {
            offer.status = .declined
            offer.answeredAt = ctx.now
            try ctx.tx.saveOffer(offer)
            text += " Offer #\(id) is declined."
        }
        try ctx.reply(text)
        try ctx.broker.refill(request, tx: ctx.tx, now: ctx.now)
    }

    static let unblock = ChatCommand("unblock", usage: "unblock ID", summary: "undo block ID") { args, ctx in
        let id = try ctx.requestID(args, usage: "unblock ID")
        guard try ctx.tx.offer(requestID: id, expert: ctx.member) != nil, let request = try ctx.tx.request(id),
              try ctx.tx.removeBlock(blocker: ctx.member, blocked: request.requester) else {
            throw Refusal("You have no block through #\(id).")
        }
        try ctx.reply("Unblocked the requester of #\(id).")
        // As `back` does: the open request comes to you again, and others of theirs that you match.
        // Its lifecycle renews only a declined offer, while there is room for one.
        if request.status == .open, request.expiresAt > ctx.now, let person = try ctx.tx.person(ctx.member),
           try ctx.broker.isEligible(person, for: request.requester,
                                     requesterChannels: ctx.broker.channels(of: request.requester, tx: ctx.tx), tx: ctx.tx, now: ctx.now) {
            try ctx.broker.run(request, tx: ctx.tx, now: ctx.now) { $0.offer(to: ctx.member, renewingDecline: true, now: ctx.now) }
        }
        try ctx.broker.offerStandingRequests(to: ctx.member, tx: ctx.tx, now: ctx.now)
    }

    static let thanks = ChatCommand(
        "thanks", aliases: ["thank"], usage: "thanks [ID]", summary: "thank the expert(s) you were introduced to on request ID"
    ) { args, ctx in
        let id = args.trimmingCharacters(in: .whitespaces).isEmpty ? try onlyIntroductionToThank(ctx)
            : try ctx.requestID(args, usage: "thanks ID")
        guard let request = try ctx.tx.request(id), request.requester == ctx.member else {
            throw Refusal("You have no request #\(id) with an introduction to thank for.")
        }
        let intros = try ctx.tx.introductions(requestID: id)
        guard !intros.isEmpty else {
            if request.status == .fulfilled {
                throw Refusal("The person you were introduced to on #\(id) has left Liaison, so thanks can't reach them.")
            }
            throw Refusal("Request #\(id) has no introduction yet, so there is nobody to thank.")
        }
        let fresh = intros.filter { $0.thankedAt == nil }
        guard !fresh.isEmpty else { throw Refusal("You already thanked for #\(id); it was passed on.") }
        var names: [String] = []
        for var intro in fresh {
            intro.thankedAt = ctx.now
            try ctx.tx.saveIntroduction(intro)
            let name = try ctx.tx.person(intro.expert)?.displayName ?? intro.expert.id
            names.append(name)
            try ctx.tell(intro.expert, "\(ctx.message.displayName) thanks you for the introduction on #\(id) (\(request.topic)). You made a difference!")
        }
        ctx.broker.note(.thanks)
        try ctx.reply("Thanks passed on to \(Text.list(names)).")
    }
}

extension CommandCatalog {
    /// Bare `thanks`, like bare `yes`: the one request whose introduction is not thanked yet.
    static func onlyIntroductionToThank(_ ctx: CommandContext) throws -> Int64 {
        var open: [Int64] = []
        for request in try ctx.tx.requests(of: ctx.member, status: nil) {
            if try ctx.tx.introductions(requestID: request.id).contains(where: { $0.thankedAt == nil }) { open.append(request.id) }
        }
        switch open.count {
        case 0: throw Refusal("You have no introduction waiting for thanks.")
        case 1: return open[0]
        default:
            throw Refusal("\(open.count) introductions can be thanked (\(Text.list(open.map { "#\($0)" }))); say which with \"thanks ID\".")
        }
    }
}
