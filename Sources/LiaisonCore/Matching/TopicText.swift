import Foundation

/// Text normalisation shared by matching, topic de-duplication and the `topics` listing.
///
/// A text becomes a list of words: folded (lower case, accents and compatibility forms
/// removed), split on anything that is not a letter or digit, stop words dropped, each
/// word stemmed by `EnglishStemmer`. Matching works on the stems; the folded surface form
/// is kept beside each stem so an exact word can score higher than a mere stem match.
public enum TopicText {
    /// The longest topic, in characters, that a member may list or a request may name. One
    /// bound for both sides: a request longer than any topic cannot match better, and it
    /// keeps every later step (analysis, typo search, the reply quoting it) small.
    public static let maxTopicLength = 100
    /// Words are cut to this many letters before stemming, on both sides, so a long word
    /// still meets itself; the typo table holds O(n²) deletes of a word of n letters, and a
    /// 4,000-letter "word" would make it millions. The longest words of the evaluation sets
    /// have 16 letters ("astrophotography").
    public static let maxWordLength = 32

    /// Content terms of a topic or query: lower-cased, accents folded (é->e, ß->ss), split on
    /// anything not a letter/digit, stop words removed, each term stemmed, duplicates dropped
    /// (first occurrence kept, in text order). Empty only when the text has no letters or
    /// digits or all its words are stop words.
    ///
    /// A few technical spellings survive the split: `C++` -> `cpp`, `C#`/`F#` -> `csharp`/
    /// `fsharp`, `.NET` -> `dotnet`. An all-caps stop word in mixed-case text is kept (`IT`
    /// in "IT security", `US` in "US tax law"), because there it is an acronym rather than
    /// a pronoun; see `StopWords.isAcronym`.
    public static func terms(_ text: String) -> [String] {
        words(text).map(\.stem)
    }

    /// `text` cut to at most `maxTopicLength` characters, at the last space within the bound
    /// when there is one in its second half, else mid-word: the same text always gives the
    /// same topic.
    public static func clipped(_ text: String) -> String {
        guard text.count > maxTopicLength else { return text }
        let head = text.prefix(maxTopicLength)
        if let space = head.lastIndex(of: " "), head.distance(from: head.startIndex, to: space) >= maxTopicLength / 2 {
            return String(head[..<space])
        }
        return String(head)
    }

    /// Matching's analysis of a topic in a storable form (see `MatchIndex.insert`).
    public static func analysis(_ text: String) -> String {
        TopicAnalysis(text).stored
    }

    /// Canonical key for de-duplication: the sorted unique terms joined with one space
    /// ("Reverse Mortgages" and "mortgage, reverse" give the same key). Empty when there
    /// are no terms.
    public static func key(_ text: String) -> String {
        Set(terms(text)).sorted().joined(separator: " ")
    }

    /// The words of `text` after folding, stop-word removal and stemming, one per stem.
    static func words(_ text: String) -> [TopicWord] {
        let tokens = rawTokens(foldMarks(text))
        // In shouted text every word is all-caps, so capitals say nothing about acronyms.
        let lettered = tokens.filter { $0.text.contains(where: \.isLetter) }
        let shouting = lettered.count > 1 && lettered.allSatisfy(\.allCaps)
        var seen = Set<String>()
        var result: [TopicWord] = []
        for token in tokens {
            let surface = truncated(foldCase(token.text))
            if StopWords.contains(surface) && !(token.allCaps && !shouting && StopWords.isAcronym(surface)) {
                continue
            }
            let stem = EnglishStemmer.stem(surface)
            if seen.insert(stem).inserted { result.append(TopicWord(surface: surface, stem: stem)) }
        }
        return result
    }

    /// `word` cut to `maxWordLength` Unicode scalars (folded words have no combining marks).
    static func truncated(_ word: String) -> String {
        guard word.utf8.count > maxWordLength, word.unicodeScalars.count > maxWordLength else { return word }
        return String(String.UnicodeScalarView(word.unicodeScalars.prefix(maxWordLength)))
    }

    /// Canonical decomposition with the combining marks removed; case is kept for the
    /// acronym rule. Compatibility mapping also folds ligatures and full-width letters.
    static func foldMarks(_ text: String) -> String {
        // ASCII has no decomposition and no marks: most text is returned without a
        // Unicode normalisation, which was 2% of a channel request.
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text }
        let scalars = text.decomposedStringWithCompatibilityMapping.unicodeScalars.filter {
            $0.properties.generalCategory != .nonspacingMark
        }
        return String(String.UnicodeScalarView(scalars))
    }

    /// Lower case plus the Latin letters that have no decomposition.
    static func foldCase(_ word: String) -> String {
        let lower = word.lowercased()
        guard lower.unicodeScalars.contains(where: { $0.value > 0x7F }) else { return lower }
        var out = ""
        for ch in lower {
            switch ch {
            case "ß": out += "ss"
            case "æ": out += "ae"
            case "œ": out += "oe"
            case "ø": out += "o"
            case "đ", "ð": out += "d"
            case "ł": out += "l"
            case "þ": out += "th"
            case "ı": out += "i"
            default: out.append(ch)
            }
        }
        return out
    }

    struct RawToken {
        var text: String
        var allCaps: Bool
    }

    /// Splits on anything that is not a letter or digit. An apostrophe inside a word joins
    /// ("women's" -> "womens", stemmed like "women"), so possessives do not leave an "s".
    static func rawTokens(_ text: String) -> [RawToken] {
        let chars = Array(text)
        var tokens: [RawToken] = []
        var current = ""
        func flush() {
            if !current.isEmpty {
                let letters = current.filter(\.isLetter)
                let caps = !letters.isEmpty && letters.allSatisfy(\.isUppercase) && letters.count > 1
                tokens.append(RawToken(text: current, allCaps: caps))
                current = ""
            }
        }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            let next: Character? = i + 1 < chars.count ? chars[i + 1] : nil
            if c.isLetter || c.isNumber {
                current.append(c)
            } else if (c == "'" || c == "\u{2019}"), !current.isEmpty, next?.isLetter == true {
                // joined: skip the apostrophe
            } else if c == "+", next == "+", current.count == 1, current.first?.isLetter == true {
                current += "pp"
                i += 1
                flush()
            } else if c == "#", current.count == 1, current.first?.isLetter == true {
                current += "sharp"
                flush()
            } else if c == ".", current.isEmpty, isDotNet(chars, at: i) {
                current = "dot"
            } else {
                flush()
            }
            i += 1
        }
        flush()
        return tokens
    }

    /// ".net" as a word of its own (not "node.net" or ".network").
    private static func isDotNet(_ chars: [Character], at i: Int) -> Bool {
        guard i + 3 < chars.count else { return false }
        let word = String(chars[(i + 1)...(i + 3)]).lowercased()
        let after = i + 4 < chars.count ? chars[i + 4] : " "
        return word == "net" && !(after.isLetter || after.isNumber)
    }
}

/// One content word: its folded form as written and its stem.
struct TopicWord: Sendable, Equatable {
    var surface: String
    var stem: String
}
