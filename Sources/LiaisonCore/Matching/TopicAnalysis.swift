/// A topic as matching sees it: its words, and the compound keys of neighbouring words.
///
/// The compound key of two neighbours is the stem of the two words written together, so
/// "cyber security" carries the key "cybersecur", the stem of "cybersecurity". Indexing
/// that key lets a one-word query find the two-word topic; the query side does the same
/// with its own neighbours to find a one-word topic.
struct TopicAnalysis: Sendable {
    struct Pair: Sendable {
        var first: Int
        var second: Int
    }

    let words: [TopicWord]
    /// stem -> index in `words`
    let position: [String: Int]
    let surfaces: Set<String>
    /// compound key -> the two neighbouring words it joins
    let compounds: [String: Pair]

    init(_ text: String) {
        self.init(words: TopicText.words(text))
    }

    init(words: [TopicWord]) {
        self.words = words
        var position: [String: Int] = [:]
        for (index, word) in words.enumerated() { position[word.stem] = index }
        self.position = position
        surfaces = Set(words.map(\.surface))
        var compounds: [String: Pair] = [:]
        for index in words.indices.dropLast() {
            let key = Self.compoundKey(words[index], words[index + 1])
            if position[key] == nil { compounds[key] = Pair(first: index, second: index + 1) }
        }
        self.compounds = compounds
    }

    /// Every key the index files this topic under: its stems and its compound keys.
    var keys: [String] { words.map(\.stem) + compounds.keys }

    static func compoundKey(_ a: TopicWord, _ b: TopicWord) -> String {
        EnglishStemmer.stem(a.surface + b.surface)
    }

    /// Typo tolerance only applies to plain words long enough to have one
    /// ("python2" is not a typo of "python3").
    static func isTypoCandidate(_ stem: String) -> Bool {
        stem.utf8.count >= 4 && stem.allSatisfy(\.isLetter)
    }
}

/// One hit of a search: the member's best topic for the query.
public struct MatchHit: Sendable, Equatable {
    public var member: Identity
    public var topicID: Int64
    /// The member's topic as they typed it.
    public var topic: String
    /// In (0, 1], 1 = exact.
    public var relevance: Double

    public init(member: Identity, topicID: Int64, topic: String, relevance: Double) {
        self.member = member
        self.topicID = topicID
        self.topic = topic
        self.relevance = relevance
    }
}
