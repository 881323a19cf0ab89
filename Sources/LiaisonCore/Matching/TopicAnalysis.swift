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

    /// The form kept in the state file beside the topic, so the index is built at start-up
    /// without analysing every topic again: "stem/surface ...|key@first ...".
    var stored: String {
        let w = words.map { "\($0.stem)/\($0.surface)" }.joined(separator: " ")
        let c = compounds.sorted { $0.value.first < $1.value.first }.map { "\($0.key)@\($0.value.first)" }
        return w + "|" + c.joined(separator: " ")
    }

    /// Reads `stored`; nil when it is not of that form (then the text is analysed again).
    init?(stored: String) {
        let halves = stored.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
        guard halves.count == 2 else { return nil }
        var words: [TopicWord] = []
        for token in halves[0].split(separator: " ") {
            let parts = token.split(separator: "/", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            words.append(TopicWord(surface: String(parts[1]), stem: String(parts[0])))
        }
        var compounds: [String: Pair] = [:]
        for token in halves[1].split(separator: " ") {
            guard let at = token.lastIndex(of: "@"), let first = Int(token[token.index(after: at)...]),
                  first >= 0, first + 1 < words.count else { return nil }
            compounds[String(token[..<at])] = Pair(first: first, second: first + 1)
        }
        guard !words.isEmpty else { return nil }
        self.init(words: words, compounds: compounds)
    }

    private init(words: [TopicWord], compounds: [String: Pair]) {
        self.words = words
        var position: [String: Int] = [:]
        for (index, word) in words.enumerated() { position[word.stem] = index }
        self.position = position
        surfaces = Set(words.map(\.surface))
        self.compounds = compounds
    }

    static func compoundKey(_ a: TopicWord, _ b: TopicWord) -> String {
        EnglishStemmer.stem(a.surface + b.surface)
    }

    /// Typo tolerance only applies to plain words long enough to have one
    /// ("python2" is not a typo of "python3").
    static func isTypoCandidate(_ stem: String) -> Bool {
        let utf8 = stem.utf8
        guard utf8.count >= 4 else { return false }
        // Folded ASCII letters, the common case, without the Unicode tables.
        if utf8.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) { return true }
        return stem.allSatisfy(\.isLetter)
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
