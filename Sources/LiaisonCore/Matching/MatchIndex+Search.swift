import Foundation

/// Searching the index: candidate topics from the postings of the query's terms (typos
/// through the typo table), each scored by `MatchIndex+Scoring.swift`.
extension MatchIndex {
    /// At most this many topics are scored for one query: enough for any request (the
    /// broker offers to a handful), and a bound on the cost of a query of common words.
    static let maxCandidates = 20_000
    /// At most this many more topics are scored for the words related to the query's.
    static let maxRelatedCandidates = 2_000

    /// One hit per member (their best topic), sorted by relevance descending, then member;
    /// at most `limit`. A query without terms ("the", "what is it") has no hits.
    public func search(_ query: String, limit: Int = .max) -> [MatchHit] {
        var resolver = TermResolver(index: self)
        guard let plan = plan(query, &resolver) else { return [] }
        var seen = Set<Int32>()
        var best: [Int32: (slot: Int32, relevance: Double)] = [:]
        let own = plan.candidateTerms.count
        var scored = Self.maxCandidates
        withTopicWords { words in
          outer: for (n, term) in (plan.candidateTerms + plan.relatedTerms).enumerated() {
            // Related words reach further (broader terms are common): their own, smaller bound.
            if n == own { scored = min(Self.maxCandidates, seen.count + Self.maxRelatedCandidates) }
            for slot in postings[Int(term)] where seen.insert(slot).inserted {
                if seen.count > scored { break outer }
                let relevance = score(plan, words.view(Int(slot)), resolver)
                guard relevance > 0 else { continue }
                let member = slotMember[Int(slot)]
                if let current = best[member], current.relevance > relevance
                    || (current.relevance == relevance && slotTopicID[Int(current.slot)] < slotTopicID[Int(slot)]) {
                    continue
                }
                best[member] = (slot, relevance)
            }
          }
        }
        let hits = best.map { member, hit in
            MatchHit(member: members[Int(member)], topicID: slotTopicID[Int(hit.slot)], topic: text(Int(hit.slot)),
                     relevance: hit.relevance)
        }
        return Array(hits.sorted {
            $0.relevance != $1.relevance ? $0.relevance > $1.relevance : $0.member < $1.member
        }.prefix(limit))
    }

    /// Relevance of one topic text for a query, 0 when it does not match; same scoring as
    /// `search` (aliases and the directory's word weights included). Used for standing
    /// requests and `admin members TOPIC`.
    public func relevance(query: String, topic: String) -> Double {
        var resolver = TermResolver(index: self)
        guard let plan = plan(query, &resolver) else { return 0 }
        let analysis = TopicAnalysis(topic)
        let stems = analysis.words.map { resolver.id($0.stem) }
        let surfaces = analysis.words.map { resolver.id($0.surface) }
        let compounds = analysis.compounds.sorted { $0.value.first < $1.value.first }
        let keys = compounds.map { resolver.id($0.key) }
        let firsts = compounds.map { UInt8(min($0.value.first, 254)) }
        return stems.withUnsafeBufferPointer { stems in
            surfaces.withUnsafeBufferPointer { surfaces in
                keys.withUnsafeBufferPointer { keys in
                    firsts.withUnsafeBufferPointer { firsts in
                        score(plan, TopicView(stems: stems, surfaces: surfaces, compoundKeys: keys, compoundFirst: firsts), resolver)
                    }
                }
            }
        }
    }

    /// The index's topic words, borrowed for the length of `body` (no copy, no reference
    /// counting per topic scored).
    func withTopicWords<R>(_ body: (TopicWords) -> R) -> R {
        wordStems.withUnsafeBufferPointer { stems in
            wordSurfaces.withUnsafeBufferPointer { surfaces in
                compoundKeys.withUnsafeBufferPointer { keys in
                    compoundFirst.withUnsafeBufferPointer { firsts in
                        slotWordStart.withUnsafeBufferPointer { wordStart in
                            slotWordCount.withUnsafeBufferPointer { wordCount in
                                slotCompoundStart.withUnsafeBufferPointer { compoundStart in
                                    slotCompoundCount.withUnsafeBufferPointer { compoundCount in
                                        body(TopicWords(stems: stems, surfaces: surfaces, compoundKeys: keys, compoundFirst: firsts,
                                                        wordStart: wordStart, wordCount: wordCount,
                                                        compoundStart: compoundStart, compoundCount: compoundCount))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Terms within `limit` edits of `word` that some topic still carries as a stem or
    /// surface form, with their edits. Only typo candidates are in the typo index.
    func typoNeighbours(_ word: String, limit: Int) -> [Int32: Int] {
        guard limit > 0 else { return [:] }
        typo.prepare(vocabulary)
        var found: [Int32: Int] = [:], checked = Set<Int32>()
        typo.candidates(word, limit: limit) { term in
            guard checked.insert(term).inserted else { return }
            let carrier = postings[Int(term)].isEmpty ? surfaceStem[Int(term)] : term
            guard carrier >= 0, !postings[Int(carrier)].isEmpty,
                  let edits = EditDistance.within(word, vocabulary[term], limit: limit) else { return }
            found[term] = edits
        }
        return found
    }
}

/// A topic as scoring sees it: term IDs in the index's vocabulary (or a resolver's own),
/// borrowed from arrays that outlive it (`withTopicWords`).
struct TopicView {
    var stems: UnsafeBufferPointer<Int32>
    var surfaces: UnsafeBufferPointer<Int32>
    var compoundKeys: UnsafeBufferPointer<Int32>
    var compoundFirst: UnsafeBufferPointer<UInt8>
}

/// The index's flat topic arrays, borrowed for one search.
struct TopicWords {
    let stems, surfaces, compoundKeys: UnsafeBufferPointer<Int32>
    let compoundFirst: UnsafeBufferPointer<UInt8>
    let wordStart: UnsafeBufferPointer<Int32>
    let wordCount: UnsafeBufferPointer<UInt8>
    let compoundStart: UnsafeBufferPointer<Int32>
    let compoundCount: UnsafeBufferPointer<UInt8>

    func view(_ slot: Int) -> TopicView {
        let w = Int(wordStart[slot]), c = Int(compoundStart[slot])
        let words = w..<(w + Int(wordCount[slot])), compounds = c..<(c + Int(compoundCount[slot]))
        return TopicView(stems: UnsafeBufferPointer(rebasing: stems[words]),
                         surfaces: UnsafeBufferPointer(rebasing: surfaces[words]),
                         compoundKeys: UnsafeBufferPointer(rebasing: compoundKeys[compounds]),
                         compoundFirst: UnsafeBufferPointer(rebasing: compoundFirst[compounds]))
    }
}

/// Term IDs for a query: the index's own, and negative ones for words it does not know,
/// so nothing a query says is added to the vocabulary.
struct TermResolver {
    let index: MatchIndex
    var local: [String: Int32] = [:]
    var localTerms: [String] = []

    init(index: MatchIndex) {
        self.index = index
    }

    mutating func id(_ term: String) -> Int32 {
        if let id = index.vocabulary.id(of: term) { return id }
        if let id = local[term] { return id }
        localTerms.append(term)
        let id = -Int32(localTerms.count)
        local[term] = id
        return id
    }

    func string(_ id: Int32) -> String {
        id >= 0 ? index.vocabulary[id] : localTerms[Int(-id) - 1]
    }

    /// Topics carrying the term (none for a term the index does not know).
    func postingCount(_ id: Int32) -> Int {
        id >= 0 ? index.postings[Int(id)].count : 0
    }
}
