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
    func match(_ words: [ChatWords.Word], tokens: [ChatToken], at start: Int,
               punctuation: Punctuation) -> Int? {
        guard start < words.count, words[start].startsToken else { return nil }
        var ends: Set<Int> = [start]
        for slot in slots {
            var next = Set<Int>()
            for p in ends {
                if slot.optional { next.insert(p) }
                if p < words.count, slot.words.contains(words[p].text) { next.insert(p + 1) }
            }
            ends = next
            if ends.isEmpty { return nil }
        }
        // A match must end at a token boundary, and inside it no sentence may end.
        let valid = ends.filter { end in
            guard end > start, end == words.count || words[end].startsToken else { return false }
            guard punctuation == .request else { return true }
            for k in start..<end {
                let isLastPart = k + 1 == words.count || words[k + 1].startsToken
                let trailing = isLastPart ? tokens[words[k].token].trailing : ""
                if !(trailing.isEmpty || (k == end - 1 && trailing == ":")) { return false }
            }
            return true
        }
        return valid.max()
    }

    /// The longest match of any pattern in `patterns` at `start`.
    static func longest(_ patterns: [WordPattern], _ words: [ChatWords.Word], tokens: [ChatToken],
                        at start: Int, punctuation: Punctuation) -> Int? {
        patterns.compactMap { $0.match(words, tokens: tokens, at: start, punctuation: punctuation) }.max()
    }
}
