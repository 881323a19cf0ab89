/// A sequence of word slots, written compactly: slots separated by spaces, alternatives by
/// "|", a trailing "?" makes a slot optional, `S` stands for the subjects (anyone,
/// anybody, someone, somebody) and `H` for here/around/else. "does|do S H? know|knows"
/// matches "does anyone know" and "do somebody here knows".
struct WordPattern: Sendable {
    struct Slot: Sendable {
        var words: Set<String>
        var optional: Bool
    }

    static let subjects: Set<String> = ["anyone", "anybody", "someone", "somebody"]
    static let here: Set<String> = ["here", "around", "else"]

    let slots: [Slot]

    init(_ text: String) {
        slots = text.split(separator: " ").map { part in
            let optional = part.hasSuffix("?")
            let body = optional ? part.dropLast() : part
            var words = Set<String>()
            for alternative in body.split(separator: "|") {
                switch alternative {
                case "S": words.formUnion(Self.subjects)
                case "H": words.formUnion(Self.here)
                default: words.insert(String(alternative))
                }
            }
            return Slot(words: words, optional: optional)
        }
    }

    /// How punctuation after the matched words is treated.
    enum Punctuation {
        /// A request pattern: no punctuation inside ("who knows, maybe" is no request);
        /// the last word may carry a colon ("does anyone know about: X").
        case request
        /// Fillers ("hey, quick question: ..."): anything goes.
        case free
    }

    /// The end (exclusive word index) of the longest match starting at `start`, or nil.
    /// The ends reachable so far are bits of a word (offsets from `start`): this runs for
    /// every pattern that may start at a word of every line, so it allocates nothing.
    func match(_ words: [ChatWords.Word], tokens: [ChatToken], at start: Int,
               punctuation: Punctuation) -> Int? {
        guard start < words.count, words[start].startsToken else { return nil }
        var ends: UInt64 = 1
        for slot in slots {
            var next: UInt64 = 0
            var rest = ends
            while rest != 0 {
                let k = rest.trailingZeroBitCount
                rest &= rest - 1
                if slot.optional { next |= 1 << k }
                if k < 63, start + k < words.count, slot.words.contains(words[start + k].text) { next |= 1 << (k + 1) }
            }
            ends = next
            if ends == 0 { return nil }
        }
        // A match must end at a token boundary, and inside it no sentence may end.
        let valid = { (end: Int) -> Bool in
            guard end > start, end == words.count || words[end].startsToken else { return false }
            guard punctuation == .request else { return true }
            for k in start..<end {
                let isLastPart = k + 1 == words.count || words[k + 1].startsToken
                let trailing = isLastPart ? tokens[words[k].token].trailing : ""
                if !(trailing.isEmpty || (k == end - 1 && trailing == ":")) { return false }
            }
            return true
        }
        // Longest first.
        var rest = ends
        while rest != 0 {
            let k = 63 - rest.leadingZeroBitCount
            rest &= ~(1 << UInt64(k))
            if valid(start + k) { return start + k }
        }
        return nil
    }
}

/// Patterns filed by the words they can start with, so a line's word is tried only against
/// the patterns that can start there (patterns whose first slot is optional always are).
struct WordPatterns: Sendable {
    let patterns: [WordPattern]
    private let byFirst: [String: [Int]]
    private let always: [Int]

    init(_ texts: [String]) {
        patterns = texts.map(WordPattern.init)
        var byFirst: [String: [Int]] = [:], always: [Int] = []
        for (i, pattern) in patterns.enumerated() {
            guard let first = pattern.slots.first, !first.optional else {
                always.append(i)
                continue
            }
            for word in first.words { byFirst[word, default: []].append(i) }
        }
        self.byFirst = byFirst
        self.always = always
    }

    /// The end of the longest match of any pattern at `start`.
    func longest(_ words: [ChatWords.Word], tokens: [ChatToken], at start: Int, punctuation: WordPattern.Punctuation) -> Int? {
        guard start < words.count else { return nil }
        var best = -1
        func tryEach(_ list: [Int]) {
            for i in list {
                if let end = patterns[i].match(words, tokens: tokens, at: start, punctuation: punctuation), end > best { best = end }
            }
        }
        tryEach(always)
        if let list = byFirst[words[start].text] { tryEach(list) }
        return best >= 0 ? best : nil
    }
}
