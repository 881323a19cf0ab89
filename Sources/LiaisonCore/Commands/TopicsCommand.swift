import Foundation

/// The last `topics` reply and what it was computed from.
struct TopicsListing {
    var generation: Int
    var computedAt: Date
    var text: String
}

extension CommandCatalog {
    /// `topics` is open to anyone, people without a verified identity included, so it must stay
    /// cheap and short however large the directory is. One aggregate store query (not one
    /// per topic) computes it, and its reply is reused while no topic was added or removed
    /// and nobody opted in or out; a ban shows within `topicsListingTTL`. The reply lists the
    /// most-listed topics that fit in about two chat lines, then how many were left out and
    /// that "ask TOPIC" searches them all: a chat line, not a dump of the directory.
    static let topicsShown = 25
    static let topicsReplyBudget = 600
    static let topicsListingTTL: TimeInterval = 60

    static let topics = ChatCommand(
        "topics", usage: "topics", summary: "the topics people can ask about, with how many members know each"
    ) { _, ctx in
        let broker = ctx.broker
        if let listing = broker.topicsListing, listing.generation == broker.index.generation,
           ctx.now.timeIntervalSince(listing.computedAt) < topicsListingTTL, listing.computedAt <= ctx.now {
            try ctx.reply(listing.text)
            return
        }
        let text = try topicsReply(ctx.tx)
        broker.topicsListing = TopicsListing(generation: broker.index.generation, computedAt: ctx.now, text: text)
        try ctx.reply(text)
    }

    static func topicsReply(_ tx: any StoreTransaction) throws -> String {
        let (listed, total) = try tx.topicCounts(limit: topicsShown)
        guard total > 0 else { return "No topics yet. Members add theirs with \"expertise add TOPIC\"." }
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
        return text + "."
    }
}
