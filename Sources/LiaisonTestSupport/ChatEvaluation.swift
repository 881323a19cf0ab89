import Foundation
public import LiaisonCore

/// The chat set in Benchmarks/data/chat (made by generate_chat_eval.py): requests as people
/// type them in a channel or after `ask`, scored per tier and split, as QualityTests and
/// LiaisonBench report them.
public enum ChatEvaluation {
    /// A request and the members a person would accept for it (none: any offer is wrong).
    public struct Query: Decodable, Sendable {
        public let query: String
        public let expected: [String]
        public let category: String
        public let split: String
        /// Said in a channel: it must be detected as a request before it can match.
        public let channel: Bool
    }

    public struct Tally: Sendable {
        public var queries = 0
        /// Positive: an expected member on top. Nobody fits: no offer at all.
        public var correct = 0
        /// Some member was offered: for a nobody-fits query, a wrong offer.
        public var offered = 0

        public var precision: Double { queries == 0 ? 1 : Double(correct) / Double(queries) }
        public var offerRate: Double { queries == 0 ? 0 : Double(offered) / Double(queries) }
    }

    public struct Result: Sendable {
        /// "tier split" -> tally, e.g. "related holdout".
        public var tallies: [String: Tally] = [:]
        /// Dev-split misses, as lines to print while tuning (the holdout is never shown).
        public var devFailures: [String] = []

        public func tally(_ tier: String, _ split: String) -> Tally { tallies["\(tier) \(split)"] ?? Tally() }
    }

    public static let tiers = ["phrasing", "forms_typos", "related", "nobody_fits"]

    /// The topic the bot would search for: a channel line only when it is detected.
    public static func topic(of query: Query) -> String? {
        query.channel ? RequestDetector.detect(query.query, addressed: false) : RequestDetector.reduceTopic(query.query)
    }

    public static func index(_ directory: EvaluationData.Directory) -> MatchIndex {
        let index = MatchIndex()
        for (i, entry) in directory.entries.enumerated() {
            index.insert(topicID: Int64(i + 1), member: Identity(network: "bench", id: entry.member), text: entry.topic)
        }
        index.setAliases(directory.aliases.map { (alias: $0.alias, topic: $0.topic) })
        return index
    }

    public static func run(_ queries: [Query], on index: MatchIndex, topicsOf: [String: [String]] = [:]) -> Result {
        var result = Result()
        for query in queries {
            let topic = topic(of: query)
            let hits = topic.map { index.search($0) } ?? []
            var t = Tally(queries: 1)
            let expected = Set(query.expected)
            if !hits.isEmpty { t.offered = 1 }
            if expected.isEmpty ? hits.isEmpty : hits.first.map({ expected.contains($0.member.id) }) ?? false {
                t.correct = 1
            }
            result.tallies["\(query.category) \(query.split)", default: Tally()].add(t)
            if t.correct == 0, query.split == "dev" {
                let top = hits.first.map { "\($0.member.id) via \"\($0.topic)\"" } ?? "no hit"
                let wanted = expected.isEmpty ? "nobody" : expected.sorted()
                    .map { "\($0) (\((topicsOf[$0] ?? []).joined(separator: "; ")))" }.joined(separator: ", ")
                result.devFailures.append("[\(query.category)] \"\(query.query)\" -> topic \(topic.map { "\"\($0)\"" } ?? "none"): "
                    + "top \(top), wanted \(wanted)")
            }
        }
        return result
    }
}

extension ChatEvaluation.Tally {
    mutating func add(_ other: Self) {
        queries += other.queries
        correct += other.correct
        offered += other.offered
    }
}
