public import Foundation

extension Broker {
    /// WordNet arrived (it is read in the background, SPEC §3.6). The open requests matched
    /// without it, and any other open request with no offer pending, ask the members that
    /// matching with related words now finds, as a refill would; a request for which it
    /// still finds nobody stays as it was, and its requester hears nothing new. Channel
    /// questions that found nobody meanwhile are heard again, as if just asked (unless the
    /// bot has left their channel since). Returns the offers made for open requests; does
    /// nothing while the index has no lexicon.
    @discardableResult
    public func lexiconArrived(now: Date) -> Int {
        guard index.lexicon != nil else { return 0 }
        let made = offerOpenRequestsAgain(now: now)
        let heard = heardBeforeLexicon
        heardBeforeLexicon = []
        for question in heard {
            perform(replyTo: question.message, now: now) { tx in
                // Not in a channel the bot has left since.
                if case .channel(let channel) = question.message.place,
                   try tx.channelSetting(network: question.message.network, channel: channel)?.joined == false { return }
                let ctx = try self.commandContext(for: question.message, tx: tx, now: now)
                try self.ask(topic: question.topic, original: question.original, ctx: ctx, origin: .heard)
            }
        }
        return made
    }

    private func offerOpenRequestsAgain(now: Date) -> Int {
        var made = 0
        perform(replyTo: nil, now: now) { tx in
            for request in try tx.openRequests(after: 0) where request.expiresAt > now {
                let hits = index.search(request.topic)
                guard !hits.isEmpty else { continue }
                let effects = try plan(request, tx: tx, now: now) { plan in
                    guard plan.after.needsRefill else { return [] }
                    let pool = try tx.candidatePool(hits.map(\.member), requester: request.requester,
                                                    offered: Set(plan.after.offers.map(\.expert)), now: now)
                    let ranked = rank(request, hits: hits, pool: pool, channels: plan.learn(pool, broker: self), now: now)
                    guard !ranked.isEmpty else { return [] }
                    return plan.after.refill(candidates: ranked, now: now)
                }
                made += effects.filter { if case .offer = $0 { true } else { false } }.count
            }
        }
        return made
    }
}

/// A channel question as it was heard, to hear again.
struct HeardQuestion {
    static let kept = 100
    let message: IncomingMessage
    let topic: String
    let original: String
}
