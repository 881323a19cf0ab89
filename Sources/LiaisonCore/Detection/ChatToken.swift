import Foundation

/// One space-separated piece of a chat line, split into the word and the punctuation
/// around it, so patterns can compare words while the topic keeps what was typed.
struct ChatToken: Sendable, Equatable {
    /// As typed, without emphasis markers ("*rust*?" -> "rust?").
    var raw: String
    /// Lower-cased, without the punctuation around it, curly apostrophes made straight;
    /// empty for a token of punctuation or symbols only (":)", "-", "?").
    var word: String
    /// The punctuation after the word ("?", ",", "!?").
    var trailing: String

    /// Emphasis markers people type around words: *bold*, _italic_, ~strike~, `code`.
    static let emphasis: Set<Character> = ["*", "_", "~", "`"]
    static let leadingPunctuation: Set<Character> = ["\"", "'", "\u{201C}", "\u{201D}", "\u{2018}",
                                                     "\u{2019}", "\u{AB}", "\u{BB}", "(", "[", "{", "\u{BF}", "\u{A1}"]
    static let trailingPunctuation: Set<Character> = [".", ",", ";", ":", "!", "?", ")", "]", "}", "\"", "'",
                                                      "\u{201D}", "\u{2019}", "\u{BB}", "\u{2026}"]

    init(_ piece: Substring) {
        // "？" (full width) is a question mark too.
        var chars = Array(piece.map { $0 == "\u{FF1F}" ? "?" : $0 })
        while let first = chars.first, Self.emphasis.contains(first) { chars.removeFirst() }
        // Emphasis may sit inside trailing punctuation: "*rust*?" or "rust?*".
        var end = chars.count
        while end > 0, Self.emphasis.contains(chars[end - 1]) || Self.trailingPunctuation.contains(chars[end - 1]) {
            end -= 1
        }
        let tail = chars[end...].filter { !Self.emphasis.contains($0) }
        chars = Array(chars[..<end]) + tail
        raw = String(chars)
        trailing = String(tail)
        var core = chars[..<end]
        while let first = core.first, Self.leadingPunctuation.contains(first) || Self.emphasis.contains(first) {
            core = core.dropFirst()
        }
        let text = String(core).lowercased().replacingOccurrences(of: "\u{2019}", with: "'")
        word = text.contains(where: { $0.isLetter || $0.isNumber }) ? text : ""
    }

    static func split(_ line: String) -> [ChatToken] {
        line.split(separator: " ").map(ChatToken.init).filter { !$0.raw.isEmpty }
    }

    /// Ends a sentence: "?", "!", ";", or a full stop after a word that is not itself
    /// dotted ("U.S.", "e.g." and "node.js" do not end one).
    var endsSentence: Bool {
        if trailing.contains(where: { "?!;\u{2026}".contains($0) }) { return true }
        return trailing.contains(".") && !word.contains(".") && word.count > 1
    }

    /// A smiley, an emoji or other decoration: no word, or a known text emoticon.
    var isDecoration: Bool {
        if word.isEmpty { return true }
        let lower = raw.lowercased()
        return ["xd", ":d", ":p", ";p", ":o", ":3", "o/", "\\o/", "<3", "^^", "^_^", "d:"].contains(lower)
            || ((lower.hasPrefix(":") || lower.hasPrefix(";") || lower.hasPrefix("=")) && lower.count <= 4)
    }
}

extension ChatToken: CustomStringConvertible {
    var description: String { raw }
}

/// The words of tokens after expanding contractions ("who's" -> "who is"), each knowing
/// the token it came from, so a match on words maps back to the typed text.
struct ChatWords {
    struct Word {
        var text: String
        var token: Int
        /// The first word of its token: a topic may only start at one.
        var startsToken: Bool
    }

    var words: [Word] = []

    private static let contractions: [String: [String]] = [
        "i'm": ["i", "am"], "im": ["i", "am"], "who's": ["who", "is"], "whos": ["who", "is"],
        "we're": ["we", "are"], "there's": ["there", "is"], "theres": ["there", "is"],
        "someone's": ["someone", "is"], "anyone's": ["anyone", "is"],
    ]

    init(_ tokens: [ChatToken], from start: Int) {
        for index in tokens.indices where index >= start {
            let parts = Self.contractions[tokens[index].word] ?? [tokens[index].word]
            for (n, part) in parts.enumerated() {
                words.append(Word(text: part, token: index, startsToken: n == 0))
            }
        }
    }
}
