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
        self = Self.ascii(piece) ?? Self.general(piece)
    }

    /// Any text, by Characters.
    static func general(_ piece: Substring) -> ChatToken {
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
        var core = chars[..<end]
        while let first = core.first, Self.leadingPunctuation.contains(first) || Self.emphasis.contains(first) {
            core = core.dropFirst()
        }
        let text = String(core).lowercased().replacingOccurrences(of: "\u{2019}", with: "'")
        return ChatToken(raw: String(chars), word: text.contains(where: { $0.isLetter || $0.isNumber }) ? text : "",
                         trailing: String(tail))
    }

    private init(raw: String, word: String, trailing: String) {
        self.raw = raw
        self.word = word
        self.trailing = trailing
    }

    /// The same as the general path for a piece of ASCII text, on its bytes: most chat is
    /// ASCII, and this runs for every word of every line heard.
    static func ascii(_ piece: Substring) -> ChatToken? {
        let bytes = Array(piece.utf8)
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        func isEmphasis(_ b: UInt8) -> Bool { b == 0x2A || b == 0x5F || b == 0x7E || b == 0x60 }   // * _ ~ `
        func isTrailing(_ b: UInt8) -> Bool { b == 0x2E || b == 0x2C || b == 0x3B || b == 0x3A || b == 0x21 || b == 0x3F
            || b == 0x29 || b == 0x5D || b == 0x7D || b == 0x22 || b == 0x27 }                        // . , ; : ! ? ) ] } " '
        func isLeading(_ b: UInt8) -> Bool { b == 0x22 || b == 0x27 || b == 0x28 || b == 0x5B || b == 0x7B }   // " ' ( [ {
        var start = 0
        while start < bytes.count, isEmphasis(bytes[start]) { start += 1 }
        var end = bytes.count
        while end > start, isEmphasis(bytes[end - 1]) || isTrailing(bytes[end - 1]) { end -= 1 }
        let tail = bytes[end...].filter { !isEmphasis($0) }
        var core = start
        while core < end, isLeading(bytes[core]) || isEmphasis(bytes[core]) { core += 1 }
        var word: [UInt8] = []
        word.reserveCapacity(end - core)
        var alphanumeric = false
        for b in bytes[core..<end] {
            let isUpper = b >= 0x41 && b <= 0x5A
            if isUpper || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) { alphanumeric = true }
            word.append(isUpper ? b | 0x20 : b)
        }
        return ChatToken(raw: String(decoding: bytes[start..<end] + tail, as: UTF8.self),
                         word: alphanumeric ? String(decoding: word, as: UTF8.self) : "",
                         trailing: String(decoding: tail, as: UTF8.self))
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
        // Chat shorthand: "does any1 know X", "ne1 know about X", "who kno X".
        "any1": ["anyone"], "ne1": ["anyone"], "anyl": ["anyone"], "some1": ["someone"], "sum1": ["someone"],
        "kno": ["know"], "knw": ["know"], "kn0w": ["know"], "abt": ["about"], "bout": ["about"],
    ]

    init(_ tokens: [ChatToken], from start: Int) {
        var index = start
        while index < tokens.count {
            // "can any one help with X": one subject in two tokens.
            if tokens[index].word == "any", index + 1 < tokens.count, tokens[index + 1].word == "one",
               tokens[index].trailing.isEmpty {
                words.append(Word(text: "anyone", token: index, startsToken: true))
                index += 2
                continue
            }
            // "anyone familiar w/ genealogy?"
            let parts = tokens[index].raw == "w/" || tokens[index].raw == "W/" ? ["with"]
                : Self.contractions[tokens[index].word] ?? [tokens[index].word]
            for (n, part) in parts.enumerated() {
                words.append(Word(text: part, token: index, startsToken: n == 0))
            }
            index += 1
        }
    }
}
