import Foundation

extension CommandCatalog {
    static let block = ChatCommand(
        "block", usage: "block ID", summary: "never again get offers from the requester of request ID (they are not told)"
    ) { args, ctx in
        let id = try ctx.requestID(args, usage: "block ID")
        // Only someone who was offered the request knows who asked it.
        guard try ctx.tx.offer(requestID: id, expert: ctx.member) != nil, let request = try ctx.tx.request(id) else {
            throw Refusal("You have no offer #\(id) to block.")
        }
        guard try !ctx.tx.blocksAll(blocker: ctx.member, blocked: request.requester) else {
            throw Refusal("You already blocked the requester of #\(id).")
        }
        // The block, the quiet decline, the reply and the refill's offers: one write.
        try ctx.broker.plan(request, tx: ctx.tx, now: ctx.now) { plan in
            plan.blocks = [.add(blocker: ctx.member, blocked: request.requester, requestID: id)]
            let (declined, effects) = plan.after.blocked(by: ctx.member, now: ctx.now)
            var text = "Blocked: you won't get offers from the requester of #\(id) again. They are not told."
            if declined { text += " Offer #\(id) is declined." }
            plan.messages.append(QueuedMessage(ctx.replyDraft(text)))
            return effects
        }
    }

    static let unblock = ChatCommand("unblock", usage: "unblock ID", summary: "undo block ID") { args, ctx in
        let id = try ctx.requestID(args, usage: "unblock ID")
        guard try ctx.tx.offer(requestID: id, expert: ctx.member) != nil, let request = try ctx.tx.request(id),
              try ctx.tx.isBlocked(blocker: ctx.member, blocked: request.requester) else {
            throw Refusal("You have no block through #\(id).")
        }
        // As `back` does: the open request comes to you again, and others of theirs that you match.
        // Its lifecycle renews only a declined offer, while there is room for one. Eligibility
        // is decided as if the block were gone already.
        let person = try ctx.tx.person(ctx.member)
        let eligible = try person.map { person in
            try ctx.broker.isEligible(person, for: request.requester,
                                      requesterChannels: ctx.broker.channels(of: request.requester, tx: ctx.tx),
                                      tx: ctx.tx, now: ctx.now, unblocking: true)
        } ?? false
        try ctx.broker.plan(request, tx: ctx.tx, now: ctx.now, ctx: ctx) { plan in
            plan.blocks = [.remove(blocker: ctx.member, blocked: request.requester)]
            plan.messages.append(QueuedMessage(ctx.replyDraft("Unblocked the requester of #\(id).")))
            guard request.status == .open, request.expiresAt > ctx.now, eligible else { return [] }
            return plan.after.offer(to: ctx.member, renewingDecline: true, now: ctx.now)
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
        try ctx.broker.plan(request, tx: ctx.tx, now: ctx.now) { plan in
            var names: [String] = []
            for var intro in fresh {
                intro.thankedAt = ctx.now
                plan.thanked.append(intro)
                names.append(plan.name(intro.expert))
                plan.messages.append(QueuedMessage(ctx.tellDraft(intro.expert, "\(ctx.message.displayName) thanks you for the introduction on #\(id) (\(request.topic)). You made a difference!")))
            }
            plan.messages.append(QueuedMessage(ctx.replyDraft("Thanks passed on to \(Text.list(names)).")))
            return []
        }
        ctx.broker.note(.thanks)
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
