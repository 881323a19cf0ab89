/// A query prepared against the index: its word weights, typo allowances, and the alias
/// rewrites that apply to it. Built once per search, then scored against each candidate.
struct QueryPlan {
    struct Word {
        var stem: Int32
        var surface: Int32
        var stemText: String
        var surfaceText: String
        /// IDF of the word in the directory; a word no topic has weighs like the rarest.
        var weight: Double
        /// Edits tolerated against topic stems and surface forms, each by its own length; 0
        /// when some topic has the word itself.
        var stemLimit = 0, surfaceLimit = 0
        /// Terms of the vocabulary within those limits, with their edits: scoring looks a
        /// topic's words up here instead of computing distances per topic.
        var stemNear: [Int32: Int] = [:], surfaceNear: [Int32: Int] = [:]
        var hasTypos: Bool { stemLimit > 0 || surfaceLimit > 0 }
        /// 1, or `aliasQuality` for words an alias put in.
        var factor: Double
        /// Related terms (WordNet) that topics carry, with their quality and how they are
        /// related; one lookup per topic word scored.
        var related = TermTable<RelatedTerm>()
        /// A verb only ("configure" in "configure nginx"): says what to do, not what about,
        /// so leaving it unmatched is no contradiction.
        var onlyVerb = false
        /// A bodily task ("moving", "walking", "cleaning": `Lexicon.isPhysicalTask`).
        var physicalTask = false
        /// A real word (WordNet): it finds only a member's misspelling, never another real word.
        var realWord = false
    }

    /// A related term's quality, and whether it is only a broader term ("angling" -> "fishing":
    /// alone, it must meet the topic's head) or only a word of a definition, either way round
    /// (alone, it must meet every word of the topic: "realtor" is "a real estate agent ...").
    struct RelatedTerm {
        var quality: Double
        var broader: Bool
        var definition: Bool
    }

    struct Variant {
        var words: [Word]
        /// Compound keys of neighbouring query words ("cyber security" -> "cybersecur").
        var compounds: [(key: Int32, first: Int)]
        /// Neighbouring query words that name one thing together ("table tennis"): the
        /// first's index. A topic must meet both or neither.
        var collocations: [Int] = []
        /// Neighbouring query words whose first names a kind of the second ("rock music",
        /// "video games"): the first's index. A topic must not meet the first alone.
        var named: [Int] = []
    }

    /// The query as typed first, then one variant per alias that applies.
    var variants: [Variant]
    /// Terms whose postings hold every topic that can match, most telling first.
    var candidateTerms: [Int32]
    /// Terms reached through related words only, scored after the others within their own bound.
    var relatedTerms: [Int32] = []
}
