/// A cheap pre-check for standing requests (SPEC §3.6): when a member adds a topic, every
/// open request is a query to test against it. Most share no word with the topic, and
/// `relevance` would plan each query again to find that out; `mayMatch` compares words.
struct QueryReach {
    /// Stems and compound keys of the query and of its alias rewrites.
    var exact: Set<String> = []
    /// Words that may match with edits, with the edits they allow.
    var typos: [(word: String, limit: Int)] = []
}

extension MatchIndex {
    /// At most this many queries' reach is remembered (open requests are far fewer).
    static let maxReachCache = 10_000

    /// False only when `relevance(query:topic:)` is surely 0: no word of the query or of
    /// its alias rewrites meets a word of the topic as a stem, a compound or within the
    /// edits a typo may have.
    func mayMatch(query: String, topic: TopicAnalysis) -> Bool {
        let reach = reach(query)
        if topic.words.contains(where: { reach.exact.contains($0.stem) }) { return true }
        if topic.compounds.keys.contains(where: { reach.exact.contains($0) }) { return true }
        for (word, limit) in reach.typos {
            for topicWord in topic.words {
                for form in [topicWord.stem, topicWord.surface] where TopicAnalysis.isTypoCandidate(form) {
                    if EditDistance.within(word, form, limit: limit) != nil { return true }
                }
            }
        }
        return false
    }

    func reach(_ query: String) -> QueryReach {
        // Read first: the lexicon arriving (read in the background) empties the cache.
        let lexicon = self.lexicon
        if let known = reachCache[query] { return known }
        let reach = uncachedReach(query, lexicon: lexicon)
        if reachCache.count >= Self.maxReachCache { reachCache.removeAll() }
        reachCache[query] = reach
        return reach
    }

    /// `reach(_:)` without the cache (the standing-request index computes each open
    /// request's once, and would only push the recent queries out). It holds while
    /// `reachGeneration` stays the same.
    func uncachedReach(_ query: String) -> QueryReach {
        uncachedReach(query, lexicon: lexicon)
    }

    /// The stems of the words `lexicon` relates to `word`, remembered per word.
    private func relatedStems(_ word: String, _ lexicon: Lexicon) -> [String] {
        if let known = relatedStemCache[word] { return known }
        let stems = Array(Set(lexicon.related(word).map { EnglishStemmer.stem($0.word) }))
        if relatedStemCache.count >= Self.maxReachCache { relatedStemCache.removeAll() }
        relatedStemCache[word] = stems
        return stems
    }

    private func uncachedReach(_ query: String, lexicon: Lexicon?) -> QueryReach {
        let words = TopicText.words(query)
        var reach = QueryReach()
        for variant in [words] + aliasRewrites(words).map(\.0) {
            for (i, word) in variant.enumerated() {
                reach.exact.insert(word.stem)
                if let lexicon { reach.exact.formUnion(relatedStems(word.surface, lexicon)) }
                if i + 1 < variant.count { reach.exact.insert(TopicAnalysis.compoundKey(word, variant[i + 1])) }
                for form in Set([word.stem, word.surface]) where TopicAnalysis.isTypoCandidate(form) {
                    reach.typos.append((form, EditDistance.allowance(forLength: form.count)))
                }
            }
        }
        return reach
    }
}
