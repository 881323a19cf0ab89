import Foundation

/// A query prepared against the index: its word weights, typo allowances, and the alias
/// rewrites that apply to it. Built once per search, then scored against each candidate.
struct QueryPlan {
    struct Word {
        var word: TopicWord
        /// IDF of the word in the directory; a word no topic has weighs like the rarest.
        var weight: Double
        /// Edits tolerated against topic words; 0 when some topic has the word itself.
        var typoLimit: Int
        /// 1, or `aliasQuality` for words an alias put in.
        var factor: Double
    }

    struct Variant {
        var words: [Word]
        /// Compound keys of neighbouring query words ("cyber security" -> "cybersecur").
        var compounds: [(key: String, first: Int)]
    }

    /// The query as typed first, then one variant per alias that applies.
    var variants: [Variant]
    /// Keys whose postings hold every topic that can match.
    var candidateKeys: Set<String>
}

extension MatchIndex {
    /// A topic matches when the query words it covers carry at least this share of the
    /// query's IDF weight. With weights ln(1 + (N+1)/df) and an unknown word weighing like
    /// the rarest, 0.4 lets a rare word carry a two-word query on its own ("rust async"
    /// finds "Rust" when few topics say rust) but not a word that a quarter or more of
    /// the topics share ("criminal law" does not find "tax law" among many law topics).
    /// One-word queries need their word; a query covered in full always matches.
    static let coverageThreshold = 0.4
    /// Quality of a word match; an exact word (same folded form) is 1.
    static let stemQuality = 0.9, compoundQuality = 0.9, aliasQuality = 0.9
    static func typoQuality(edits: Int) -> Double { edits <= 1 ? 0.75 : 0.6 }
    /// Topic words the query lacks cost at most this share of the relevance: "reverse
    /// mortgages" still serves a query "mortgages", a bit below "mortgages" itself.
    static let missingTopicWordPenalty = 0.2
    /// At most this many alias rewrites of one query.
    static let maxAliasVariants = 8

    func plan(_ query: String) -> QueryPlan? {
        let words = TopicText.words(query)
        guard !words.isEmpty else { return nil }
        var keys = Set<String>()
        var variants = [makeVariant(words, factors: Array(repeating: 1, count: words.count), keys: &keys)]
        for (rewritten, factors) in aliasRewrites(words) {
            variants.append(makeVariant(rewritten, factors: factors, keys: &keys))
        }
        return QueryPlan(variants: variants, candidateKeys: keys)
    }

    private func makeVariant(_ words: [TopicWord], factors: [Double], keys: inout Set<String>) -> QueryPlan.Variant {
        var df = words.map { postings[$0.stem]?.count ?? 0 }
        var compounds: [(key: String, first: Int)] = []
        for i in words.indices.dropLast() {
            let key = TopicAnalysis.compoundKey(words[i], words[i + 1])
            compounds.append((key, i))
            if let n = postings[key]?.count {
                keys.insert(key)
                df[i] = max(df[i], n)
                df[i + 1] = max(df[i + 1], n)
            }
        }
        let topics = Double(entries.count)
        var planned: [QueryPlan.Word] = []
        for (i, word) in words.enumerated() {
            var limit = 0
            if postings[word.stem] != nil {
                keys.insert(word.stem)
            } else if TopicAnalysis.isTypoCandidate(word.stem) {
                // Typos only for words no topic has: "rust" must not find "rest" experts
                // while rust experts exist.
                limit = EditDistance.allowance(forLength: word.stem.count)
                for key in nearKeys(word.stem, limit: limit) {
                    keys.insert(key)
                    df[i] = max(df[i], postings[key]?.count ?? 0)
                }
            }
            let weight = log(1 + (topics + 1) / Double(max(df[i], 1)))
            planned.append(QueryPlan.Word(word: word, weight: weight, typoLimit: limit, factor: factors[i]))
        }
        return QueryPlan.Variant(words: planned, compounds: compounds)
    }

    /// The query with an alias phrase replaced by its other side, for every alias whose one
    /// side is all in the query (in any order, like the rest of matching).
    private func aliasRewrites(_ words: [TopicWord]) -> [([TopicWord], [Double])] {
        let stems = Set(words.map(\.stem))
        var rewrites: [([TopicWord], [Double])] = []
        for alias in aliases {
            for (from, to) in [(alias.alias, alias.topic), (alias.topic, alias.alias)] {
                let fromStems = Set(from.map(\.stem))
                guard fromStems.isSubset(of: stems),
                      let at = words.firstIndex(where: { fromStems.contains($0.stem) })
                else { continue }
                var out: [TopicWord] = [], factors: [Double] = []
                func add(_ word: TopicWord, _ factor: Double) {
                    guard !out.contains(where: { $0.stem == word.stem }) else { return }
                    out.append(word)
                    factors.append(factor)
                }
                for (i, word) in words.enumerated() {
                    if i == at { to.forEach { add($0, Self.aliasQuality) } }
                    if !fromStems.contains(word.stem) { add(word, 1) }
                }
                rewrites.append((out, factors))
                if rewrites.count >= Self.maxAliasVariants { return rewrites }
            }
        }
        return rewrites
    }

    /// The best relevance of `topic` over the plan's variants; 0 when none matches.
    func score(_ plan: QueryPlan, _ topic: TopicAnalysis) -> Double {
        plan.variants.reduce(0) { max($0, score($1, topic)) }
    }

    private func score(_ variant: QueryPlan.Variant, _ topic: TopicAnalysis) -> Double {
        guard !topic.words.isEmpty else { return 0 }
        var quality = [Double](repeating: 0, count: variant.words.count)
        var covered = [Bool](repeating: false, count: topic.words.count)
        for (i, query) in variant.words.enumerated() {
            let stem = query.word.stem
            if let j = topic.position[stem] {
                quality[i] = topic.surfaces.contains(query.word.surface) ? 1 : Self.stemQuality
                covered[j] = true
            } else if let pair = topic.compounds[stem] {
                // "cybersecurity" asked, "cyber security" listed
                quality[i] = Self.compoundQuality
                covered[pair.first] = true
                covered[pair.second] = true
            } else if query.typoLimit > 0 {
                for (j, word) in topic.words.enumerated() where TopicAnalysis.isTypoCandidate(word.stem) {
                    guard let edits = EditDistance.within(stem, word.stem, limit: query.typoLimit) else { continue }
                    quality[i] = max(quality[i], Self.typoQuality(edits: edits))
                    covered[j] = true
                }
            }
        }
        // "cyber security" asked, "cybersecurity" listed
        for compound in variant.compounds {
            guard let j = topic.position[compound.key] else { continue }
            quality[compound.first] = max(quality[compound.first], Self.compoundQuality)
            quality[compound.first + 1] = max(quality[compound.first + 1], Self.compoundQuality)
            covered[j] = true
        }
        var total = 0.0, matched = 0.0, gained = 0.0
        for (i, query) in variant.words.enumerated() {
            total += query.weight
            guard quality[i] > 0 else { continue }
            matched += query.weight
            gained += query.weight * quality[i] * query.factor
        }
        guard total > 0, matched / total >= Self.coverageThreshold else { return 0 }
        let topicCover = Double(covered.filter { $0 }.count) / Double(topic.words.count)
        // min: the sums may round a hair above 1 for an exact match.
        return min(1, gained / total * (1 - Self.missingTopicWordPenalty * (1 - topicCover)))
    }
}
