import Foundation

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
    /// Quality of a related word (WordNet): below the member's own words and their forms,
    /// below an admin alias; closer relations count more.
    static func relatedQuality(_ relation: Lexicon.Relation) -> Double {
        switch relation {
        case .synonym: 0.8
        case .derivation: 0.75
        // "bee" -> "beekeeping": a compound the word starts is about it, more than a kind of it.
        case .compound: 0.7
        case .narrower: 0.65
        case .broader: 0.6
        // What a word's definition says, either way round: the loosest relation.
        case .definedBy, .defines: 0.5
        }
    }
    /// Topic words the query lacks cost at most this share of the relevance: "reverse
    /// mortgages" still serves a query "mortgages", a bit below "mortgages" itself.
    static let missingTopicWordPenalty = 0.2
    /// A real word finds a member's misspelling of it only when at most this many topics
    /// carry the misspelling.
    static let maxMisspellingTopics = 50
    /// At most this many alias rewrites of one query.
    static let maxAliasVariants = 8

    func plan(_ query: String, _ resolver: inout TermResolver) -> QueryPlan? {
        let words = TopicText.words(query)
        guard !words.isEmpty else { return nil }
        var candidates: [(term: Int32, weight: Double)] = []
        var related: [(term: Int32, weight: Double)] = []
        var variants = [makeVariant(words, factors: Array(repeating: 1, count: words.count), &resolver, &candidates, &related)]
        for (rewritten, factors) in aliasRewrites(words) {
            variants.append(makeVariant(rewritten, factors: factors, &resolver, &candidates, &related))
        }
        // Rarest first: a query of common words still scores its telling topics first.
        var seen = Set<Int32>()
        let ordered = candidates.sorted { $0.weight > $1.weight }.map(\.term).filter { seen.insert($0).inserted }
        let relatedOrdered = related.sorted { $0.weight > $1.weight }.map(\.term).filter { seen.insert($0).inserted }
        return QueryPlan(variants: variants, candidateTerms: ordered, relatedTerms: relatedOrdered)
    }

    private func makeVariant(_ words: [TopicWord], factors: [Double], _ resolver: inout TermResolver,
                             _ candidates: inout [(term: Int32, weight: Double)],
                             _ relatedCandidates: inout [(term: Int32, weight: Double)]) -> QueryPlan.Variant {
        var df = words.map { resolver.postingCount(resolver.id($0.stem)) }
        var compounds: [(key: Int32, first: Int)] = []
        var compoundTerms: [Int32] = []
        for i in words.indices.dropLast() {
            let key = resolver.id(TopicAnalysis.compoundKey(words[i], words[i + 1]))
            compounds.append((key, i))
            let n = resolver.postingCount(key)
            if n > 0 {
                compoundTerms.append(key)
                df[i] = max(df[i], n)
                df[i + 1] = max(df[i + 1], n)
            }
        }
        // Two-word nouns of WordNet among the words: their first word relates only as part of
        // them ("rock" in "rock salt" is no stone, "video" in "video games" no recording).
        let kinds: [Lexicon.CollocationKind?] = lexicon.map { lexicon in
            words.indices.dropLast().map { lexicon.collocation(words[$0].surface, words[$0 + 1].surface) }
        } ?? []
        let topics = Double(max(count, 1))
        var planned: [QueryPlan.Word] = []
        for (i, word) in words.enumerated() {
            let stem = resolver.id(word.stem)
            var planned1 = QueryPlan.Word(stem: stem, surface: resolver.id(word.surface), stemText: word.stem,
                                          surfaceText: word.surface, weight: 0, factor: factors[i])
            var terms: [Int32] = []
            let realWord = lexicon.map { $0.isWord(word.surface) || $0.isWord(word.stem) } ?? false
            planned1.onlyVerb = realWord && (lexicon?.isOnlyVerb(word.surface) ?? false)
            planned1.physicalTask = realWord && (lexicon?.isPhysicalTask(word.surface) ?? false)
            let firstOfCollocation = i < kinds.count && kinds[i] != nil
            for (term, quality, relation) in firstOfCollocation ? [] : relatedTerms(word.surface) where term != stem {
                if let known = planned1.related[term], known.quality >= quality { continue }
                planned1.related[term] = QueryPlan.RelatedTerm(quality: quality, broader: relation == .broader,
                                                               definition: relation == .definedBy || relation == .defines)
            }
            if resolver.postingCount(stem) > 0 {
                terms.append(stem)
            } else {
                // Typos only for words no topic has: "rust" must not find "rest" experts
                // while rust experts exist. Compared as stems and as typed, each allowed the
                // edits of its own length ("botanist" 2, its stem "botan" 1).
                if TopicAnalysis.isTypoCandidate(word.stem) {
                    planned1.stemLimit = EditDistance.allowance(forLength: word.stem.count)
                    planned1.stemNear = typoNeighbours(word.stem, limit: planned1.stemLimit)
                }
                if TopicAnalysis.isTypoCandidate(word.surface) {
                    planned1.surfaceLimit = EditDistance.allowance(forLength: word.surface.count)
                    planned1.surfaceNear = word.surface == word.stem ? planned1.stemNear
                        : typoNeighbours(word.surface, limit: planned1.surfaceLimit)
                }
                if realWord, let lexicon {
                    // A real word is no typo, but it may find a member's misspelling of it. A
                    // misspelling is rare: a term many topics share is a word of its own.
                    // It is compared as typed only: a stem is no word ("astronomy" -> "astronomi"),
                    // so stems would let "astrology" find astronomy and "drowning" drones.
                    let misspelling = { (term: Int32) in
                        self.carrierPostings(term) <= Self.maxMisspellingTopics && !lexicon.isWord(self.vocabulary[term])
                    }
                    planned1.stemLimit = 0
                    planned1.stemNear = [:]
                    planned1.surfaceNear = planned1.surfaceNear.filter { misspelling($0.key) }
                    planned1.realWord = true
                }
                for term in planned1.stemNear.keys.sorted() + planned1.surfaceNear.keys.sorted() {
                    let carrier = postings[Int(term)].isEmpty ? surfaceStem[Int(term)] : term
                    guard carrier >= 0, !terms.contains(carrier) else { continue }
                    terms.append(carrier)
                    df[i] = max(df[i], postings[Int(carrier)].count)
                }
            }
            planned1.weight = log(1 + (topics + 1) / Double(max(df[i], 1)))
            for term in terms { candidates.append((term, planned1.weight)) }
            for (term, related) in planned1.related.entries { relatedCandidates.append((term, planned1.weight * related.quality)) }
            planned.append(planned1)
        }
        for term in compoundTerms { candidates.append((term, log(1 + (topics + 1) / Double(max(postings[Int(term)].count, 1))))) }
        return QueryPlan.Variant(words: planned, compounds: compounds, collocations: kinds.indices.filter { kinds[$0] == .opaque },
                                 named: kinds.indices.filter { kinds[$0] == .named })
    }

    /// Topics carrying a term, or the stem a surface form stands for.
    func carrierPostings(_ term: Int32) -> Int {
        let carrier = postings[Int(term)].isEmpty ? surfaceStem[Int(term)] : term
        return carrier >= 0 ? postings[Int(carrier)].count : 0
    }

    /// The query with an alias phrase replaced by its other side, for every alias whose one
    /// side is all in the query (in any order, like the rest of matching).
    func aliasRewrites(_ words: [TopicWord]) -> [([TopicWord], [Double])] {
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

    /// Edits from a query word to a topic's term, when within `limit`: looked up for terms of
    /// the vocabulary, computed for a topic text that is not in the index (`relevance`).
    private func typoEdits(_ word: String, _ term: Int32, _ limit: Int, _ near: [Int32: Int], _ resolver: TermResolver,
                           realWord: Bool) -> Int? {
        guard limit > 0 else { return nil }
        if term >= 0 { return near[term] }
        let text = resolver.string(term)
        guard TopicAnalysis.isTypoCandidate(text), !(realWord && lexicon?.isWord(text) == true) else { return nil }
        return EditDistance.within(word, text, limit: limit)
    }

    /// The topic words related words of `query` meet (marked covered), the best quality among
    /// them, and whether all of them are only broader terms, or only words of a definition.
    private func relatedMatch(_ related: TermTable<QueryPlan.RelatedTerm>, _ topic: TopicView,
                              covered: UnsafeMutableBufferPointer<Bool>) -> (quality: Double, broader: Bool, definition: Bool)? {
        var best: (quality: Double, broader: Bool, definition: Bool)?
        for (j, stem) in topic.stems.enumerated() {
            guard let r = related[stem] else { continue }
            covered[j] = true
            best = (max(best?.quality ?? 0, r.quality), (best?.broader ?? true) && r.broader, (best?.definition ?? true) && r.definition)
        }
        return best
    }

    /// Whether the request met one word of two that the topic says together as a thing of
    /// its own ("table tennis" listed, "tennis" asked), or only the first word of a named kind
    /// ("rock music" listed, "rock" asked).
    private func splitsCollocation(_ topic: TopicView, _ covered: UnsafeMutableBufferPointer<Bool>,
                                   _ resolver: TermResolver) -> Bool {
        guard let lexicon else { return false }
        if collocationGeneration != generation || collocationCache.count >= Self.maxExpansionCache {
            collocationCache.removeAll(keepingCapacity: true)
            collocationGeneration = generation
        }
        let surfaces = topic.surfaces, base = surfaces.startIndex
        for j in 0..<(topic.stems.count - 1) where covered[j] != covered[j + 1] {
            let a = surfaces[base + j], b = surfaces[base + j + 1]
            // Looked up once per pair of words: at a million topics most candidates meet part of theirs.
            let key = UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))
            let kind: Lexicon.CollocationKind?
            if a >= 0, b >= 0, let known = collocationCache[key] {
                kind = known
            } else {
                kind = lexicon.collocation(resolver.string(a), resolver.string(b))
                if a >= 0, b >= 0 { collocationCache[key] = kind }
            }
            if kind == .opaque || (kind == .named && covered[j]) { return true }
        }
        return false
    }

    /// The best relevance of `topic` over the plan's variants; 0 when none matches.
    func score(_ plan: QueryPlan, _ topic: TopicView, _ resolver: TermResolver) -> Double {
        var best = 0.0
        for variant in plan.variants { best = max(best, score(variant, topic, resolver)) }
        return best
    }

    private func score(_ variant: QueryPlan.Variant, _ topic: TopicView, _ resolver: TermResolver) -> Double {
        let n = topic.stems.count
        guard n > 0, !variant.words.isEmpty else { return 0 }
        // Scratch space on the stack: this runs for every candidate topic of a search.
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: variant.words.count) { quality in
            quality.initialize(repeating: 0)
            return withUnsafeTemporaryAllocation(of: Bool.self, capacity: n) { covered in
                covered.initialize(repeating: false)
                return score(variant, topic, resolver, quality: quality, covered: covered)
            }
        }
    }

    private func score(_ variant: QueryPlan.Variant, _ topic: TopicView, _ resolver: TermResolver,
                       quality: UnsafeMutableBufferPointer<Double>, covered: UnsafeMutableBufferPointer<Bool>) -> Double {
        let n = topic.stems.count
        // Whether some request word met the topic as itself (a form, compound or typo of it),
        // not only through WordNet.
        var direct = false
        // Whether every word met came through a broader term only, or a definition only.
        var broaderOnly = true, definitionOnly = true
        let base = topic.stems.startIndex
        // Words are read in place: copying a word per topic scored costs its dictionaries'
        // reference counts.
        variant.words.withUnsafeBufferPointer { words in
        for i in words.indices {
            let query = words.baseAddress! + i
            if let j = topic.stems.firstIndex(of: query.pointee.stem) {
                quality[i] = topic.surfaces.contains(query.pointee.surface) ? 1 : Self.stemQuality
                covered[j - base] = true
                direct = true
            } else if let k = topic.compoundKeys.firstIndex(of: query.pointee.stem) {
                // "cybersecurity" asked, "cyber security" listed
                quality[i] = Self.compoundQuality
                direct = true
                let first = Int(topic.compoundFirst[k])
                if first + 1 < n {
                    covered[first] = true
                    covered[first + 1] = true
                }
            } else if !query.pointee.related.isEmpty, let met = relatedMatch(query.pointee.related, topic, covered: covered) {
                quality[i] = met.quality
                if !met.broader { broaderOnly = false }
                if !met.definition { definitionOnly = false }
            } else if query.pointee.hasTypos {
                for (j, stem) in topic.stems.enumerated() {
                    let surface = topic.surfaces[topic.surfaces.startIndex + j]
                    let asStem = typoEdits(query.pointee.stemText, stem, query.pointee.stemLimit, query.pointee.stemNear, resolver,
                                           realWord: query.pointee.realWord)
                    let asTyped = typoEdits(query.pointee.surfaceText, surface, query.pointee.surfaceLimit, query.pointee.surfaceNear,
                                            resolver, realWord: query.pointee.realWord)
                    guard let edits = asStem.map({ min($0, asTyped ?? $0) }) ?? asTyped else { continue }
                    quality[i] = max(quality[i], Self.typoQuality(edits: edits))
                    covered[j] = true
                    direct = true
                }
            }
        }
        }
        // "cyber security" asked, "cybersecurity" listed
        for compound in variant.compounds {
            guard let j = topic.stems.firstIndex(of: compound.key) else { continue }
            quality[compound.first] = max(quality[compound.first], Self.compoundQuality)
            quality[compound.first + 1] = max(quality[compound.first + 1], Self.compoundQuality)
            covered[j - base] = true
            direct = true
        }
        // "table tennis" is not "tennis", nor "tennis" "table tennis": two words WordNet lists
        // as a thing of their own are met together or not at all, on either side.
        for i in variant.collocations where (quality[i] > 0) != (quality[i + 1] > 0) { return 0 }
        // "rock music" is no rock, "video games" no video: a named kind is met by its last word
        // or by both.
        for i in variant.named where quality[i] > 0 && quality[i + 1] == 0 { return 0 }
        // A word of the request left unmatched while the topic has a word of its own left
        // over: "cat behavior" is not "puppy behaviour", "criminal law" not "employment law".
        // An unmatched verb ("configure nginx") only says what to do.
        let leftOver = variant.words.indices.contains(where: { quality[$0] == 0 && !variant.words[$0].onlyVerb })
        if leftOver, covered.contains(false) { return 0 }
        // A bodily task left unmatched asks for someone to do it, not for someone who knows
        // the thing it is done to: "piano moving" is for movers, not the pianist.
        if variant.words.count >= 2, variant.words.indices.contains(where: { quality[$0] == 0 && variant.words[$0].physicalTask }) {
            return 0
        }
        // Nor when a single related word carries a request that keeps a word of its own:
        // "cat care" is not "nursing", "goat farming" not "gardening" (two related words
        // still may: "fix a bike chain" is "bicycle repair").
        if leftOver, !direct, quality.reduce(0, { $0 + ($1 > 0 ? 1 : 0) }) < 2 { return 0 }
        // A broader term alone must meet the topic's head, its last word: "hens" are
        // backyard chickens, but "hovercraft" (a craft) is not "craft beer".
        if !direct, broaderOnly, covered.last == false { return 0 }
        // A definition alone must meet the whole topic: "falconry" is "the art of training
        // falcons", which is not "marathon training".
        if !direct, definitionOnly, covered.contains(false) { return 0 }
        var total = 0.0, matched = 0.0, gained = 0.0
        variant.words.withUnsafeBufferPointer { words in
            for i in words.indices {
                total += words[i].weight
                guard quality[i] > 0 else { continue }
                matched += words[i].weight
                gained += words[i].weight * quality[i] * words[i].factor
            }
        }
        guard total > 0, matched / total >= Self.coverageThreshold else { return 0 }
        // The topic's side of the rule above, last: it looks words up, and most candidates
        // have failed by now.
        if n > 1, covered.contains(false), splitsCollocation(topic, covered, resolver) { return 0 }
        let topicCover = Double(covered.reduce(0) { $0 + ($1 ? 1 : 0) }) / Double(n)
        // min: the sums may round a hair above 1 for an exact match.
        return min(1, gained / total * (1 - Self.missingTopicWordPenalty * (1 - topicCover)))
    }
}

extension MatchIndex {
    /// At most this many query words' expansions are remembered.
    static let maxExpansionCache = 4_096

    /// Terms of this index that WordNet relates to `word` (synonyms, derivations, broader and
    /// narrower terms, compounds it starts), as stems that some topic carries, with their quality.
    func relatedTerms(_ word: String) -> [(term: Int32, quality: Double, relation: Lexicon.Relation)] {
        guard let lexicon else { return [] }
        if expansionGeneration != generation {
            expansionCache.removeAll(keepingCapacity: true)
            expansionGeneration = generation
        }
        if let known = expansionCache[word] { return known }
        var out: [Int32: (quality: Double, relation: Lexicon.Relation)] = [:]
        for (related, relation) in lexicon.related(word) {
            let stem = EnglishStemmer.stem(related)
            guard let id = vocabulary.id(of: stem), !postings[Int(id)].isEmpty else { continue }
            let quality = Self.relatedQuality(relation)
            if let known = out[id], known.quality >= quality { continue }
            out[id] = (quality, relation)
        }
        let list = out.map { (term: $0.key, quality: $0.value.quality, relation: $0.value.relation) }
        if expansionCache.count >= Self.maxExpansionCache { expansionCache.removeAll() }
        expansionCache[word] = list
        return list
    }
}
