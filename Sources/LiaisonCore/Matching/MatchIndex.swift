import Foundation

/// The in-memory expertise index (SPEC §5). Built at start-up from the state file with
/// `insert`, kept current as topics change. Not thread-safe; the owner serialises access.
///
/// An inverted index: key (stem or compound key) -> topic ids. A search touches only the
/// postings of the query's keys; the typo lookup for a word no topic contains scans the
/// vocabulary (distinct keys, bucketed by length), not the topics.
///
/// Scoring (see `MatchIndex+Scoring.swift`): each query word weighs its IDF in the
/// directory, so a rare word counts more than a common one. A topic matches when the
/// query words it covers carry at least `coverageThreshold` of the query's weight.
public final class MatchIndex {
    struct Entry {
        var member: Identity
        var text: String
        var analysis: TopicAnalysis
    }

    struct Alias {
        var alias: [TopicWord]
        var topic: [TopicWord]
    }

    private(set) var entries: [Int64: Entry] = [:]
    private(set) var postings: [String: Set<Int64>] = [:]
    private var byMember: [Identity: Set<Int64>] = [:]
    /// Typo-able keys by length, so a typo scan looks only at lengths within reach.
    private(set) var vocabulary: [Int: Set<String>] = [:]
    private(set) var aliases: [Alias] = []

    public init() {}

    /// Topics indexed.
    public var count: Int { entries.count }

    /// Adds a member's topic; re-inserting an id replaces it.
    public func insert(topicID: Int64, member: Identity, text: String) {
        remove(topicID: topicID)
        let analysis = TopicAnalysis(text)
        entries[topicID] = Entry(member: member, text: text, analysis: analysis)
        byMember[member, default: []].insert(topicID)
        for key in analysis.keys {
            if postings[key, default: []].insert(topicID).inserted, postings[key]?.count == 1,
               TopicAnalysis.isTypoCandidate(key) {
                vocabulary[key.count, default: []].insert(key)
            }
        }
    }

    public func remove(topicID: Int64) {
        guard let entry = entries.removeValue(forKey: topicID) else { return }
        byMember[entry.member]?.remove(topicID)
        if byMember[entry.member]?.isEmpty == true { byMember[entry.member] = nil }
        for key in entry.analysis.keys {
            postings[key]?.remove(topicID)
            if postings[key]?.isEmpty == true {
                postings[key] = nil
                vocabulary[key.count]?.remove(key)
            }
        }
    }

    /// Removes every topic of `member`.
    public func removeAll(member: Identity) {
        for id in byMember[member] ?? [] { remove(topicID: id) }
    }

    /// Admin aliases: ("HECM", "reverse mortgage"). A query containing the alias phrase also
    /// matches topics of the aliased topic, and vice versa (a member who lists "HECM"
    /// matches a query "reverse mortgage"). Replaces the previous set. An alias whose
    /// either side has no terms is ignored.
    public func setAliases(_ aliases: [(alias: String, topic: String)]) {
        self.aliases = aliases.compactMap { pair in
            let alias = TopicText.words(pair.alias), topic = TopicText.words(pair.topic)
            guard !alias.isEmpty, !topic.isEmpty, alias.map(\.stem) != topic.map(\.stem) else { return nil }
            return Alias(alias: alias, topic: topic)
        }
    }

    /// One hit per member (their best topic), sorted by relevance descending, then member.
    /// A query without terms ("the", "what is it") has no hits.
    public func search(_ query: String) -> [MatchHit] {
        guard let plan = plan(query) else { return [] }
        var candidates = Set<Int64>()
        for key in plan.candidateKeys { candidates.formUnion(postings[key] ?? []) }
        var best: [Identity: MatchHit] = [:]
        for id in candidates {
            guard let entry = entries[id] else { continue }
            let relevance = score(plan, entry.analysis)
            guard relevance > 0 else { continue }
            if let current = best[entry.member],
               current.relevance > relevance || (current.relevance == relevance && current.topicID < id) {
                continue
            }
            best[entry.member] = MatchHit(member: entry.member, topicID: id, topic: entry.text, relevance: relevance)
        }
        return best.values.sorted {
            $0.relevance != $1.relevance ? $0.relevance > $1.relevance : $0.member < $1.member
        }
    }

    /// Relevance of one topic text for a query, 0 when it does not match; same scoring as
    /// `search` (aliases and the directory's word weights included). Used for standing
    /// requests and `admin members TOPIC`.
    public func relevance(query: String, topic: String) -> Double {
        guard let plan = plan(query) else { return 0 }
        return score(plan, TopicAnalysis(topic))
    }

    /// Keys within `limit` edits of `word`, from the vocabulary.
    func nearKeys(_ word: String, limit: Int) -> [String] {
        guard limit > 0 else { return [] }
        let n = word.count
        var found: [String] = []
        for length in max(1, n - limit)...(n + limit) {
            for key in vocabulary[length] ?? [] where EditDistance.within(word, key, limit: limit) != nil {
                found.append(key)
            }
        }
        return found
    }
}
