/// A light English stemmer in the spirit of Porter's, tuned for topic names.
///
/// The goal is that the forms people type for one topic meet on one stem
/// ("mortgage"/"mortgages"/"mortgaging" -> "mortgag", "invest"/"investing"/"investment"
/// -> "invest", "security"/"secure" -> "secur"), while short words are left alone so
/// unrelated words do not collide ("legal" is not "leg"). Stems need not be words; both
/// sides of a comparison go through the same function. Only lower-case ASCII words of
/// four letters or more are stemmed; words with digits or other scripts are kept as they are.
enum EnglishStemmer {
    static func stem(_ word: String) -> String {
        guard word.utf8.count > 3, word.utf8.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }),
              !exceptions.contains(word)
        else { return word }
        var w = Array(word.utf8)
        stripPlural(&w)
        // "community" and "communities" meet on "communiti" before the suffix step.
        if w.count > 3, w.last == y, !isVowel(w[w.count - 2]) { w[w.count - 1] = i }
        // Suffixes stack ("automating" -> "automate" -> "autom"), so a few rounds.
        var rounds = 0
        while rounds < 3, stripSuffix(&w, inflections: rounds == 0) { rounds += 1 }
        if w.count > 3, w.last == e { w.removeLast() }
        // "staff" and "staffing" (-> "staff" -> "staf") must meet too.
        if w.count >= 5 { undouble(&w) }
        return String(decoding: w, as: UTF8.self)
    }

    /// Words whose ending only looks like a suffix.
    private static let exceptions: Set<String> = [
        "business", "news", "series", "species", "always", "perhaps", "canvas", "atlas", "chaos",
        "bias", "alias", "lens", "ethos", "kudos",
    ]

    private static let e = UInt8(ascii: "e"), i = UInt8(ascii: "i"), s = UInt8(ascii: "s")
    private static let y = UInt8(ascii: "y")

    private static func isVowel(_ c: UInt8) -> Bool {
        c == 0x61 || c == 0x65 || c == 0x69 || c == 0x6F || c == 0x75
    }

    private static func hasVowel(_ w: ArraySlice<UInt8>) -> Bool {
        w.contains { isVowel($0) || $0 == y }
    }

    /// Compared in place: this runs for every rule, for every word of every request.
    private static func ends(_ w: [UInt8], _ suffix: StaticString) -> Bool {
        let n = suffix.utf8CodeUnitCount
        return w.count >= n && suffix.withUTF8Buffer { w.suffix(n).elementsEqual($0) }
    }

    private static func ends(_ w: [UInt8], _ suffix: [UInt8]) -> Bool {
        w.count >= suffix.count && w.suffix(suffix.count).elementsEqual(suffix)
    }

    private static func stripPlural(_ w: inout [UInt8]) {
        if ends(w, "sses") {
            w.removeLast(2)
        } else if (ends(w, "ies") || ends(w, "ied")) && w.count > 4 {
            w.removeLast(2)  // -> "...i", like the y -> i rule below
        } else if ends(w, "xes") || ends(w, "ches") || ends(w, "shes") || ends(w, "zzes") {
            w.removeLast(2)
        } else if ends(w, "ss") || ends(w, "us") || ends(w, "is") {
            return
        } else if w.last == s && w.count > 3 {
            w.removeLast()
        }
    }

    private struct Rule {
        let suffix: String, bytes: [UInt8], replacement: [UInt8], minStem: Int
    }

    /// (suffix, replacement, shortest stem left). Longer suffixes first.
    private static let rules: [Rule] = ruleTable.map { Rule(suffix: $0.0, bytes: Array($0.0.utf8), replacement: Array($0.1.utf8), minStem: $0.2) }
    private static let ruleTable: [(String, String, Int)] = [
        ("ation", "", 3), ("ment", "", 3), ("ness", "", 3), ("ical", "ic", 3),
        ("ance", "", 4), ("ence", "", 4), ("able", "", 4), ("ible", "", 4),
        ("anc", "", 4), ("enc", "", 4), ("ial", "", 4), ("ism", "", 4), ("ist", "", 4),
        // "-ed" keeps four letters so "embed" is not "emb" (while "embedded" -> "embed").
        ("iti", "", 3), ("ive", "", 4), ("ion", "", 4), ("ate", "", 4), ("ing", "", 3),
        ("er", "", 4), ("ed", "", 4), ("li", "", 4),
    ]

    /// Strips one suffix; false when none applies. "-ing" and "-ed" end a word, so they are
    /// only tried first ("embedded" -> "embed", not "emb").
    private static func stripSuffix(_ w: inout [UInt8], inflections: Bool) -> Bool {
        for rule in rules where ends(w, rule.bytes) {
            let suffix = rule.suffix
            if !inflections, suffix == "ing" || suffix == "ed" { continue }
            let stemEnd = w.count - rule.bytes.count
            guard stemEnd >= rule.minStem, hasVowel(w[..<stemEnd]) else { continue }
            let before = w[stemEnd - 1]
            switch suffix {
            // "-ion" only after s/t ("regression", "execution"), not "opinion", "union".
            case "ion": guard before == s || before == UInt8(ascii: "t") else { continue }
            // "need", "speed", "career", "engineer" keep their "e".
            case "ed", "er": guard before != e else { continue }
            // "family", "assembly", "apply": the l belongs to the root.
            case "li": guard !isVowel(before), !"bpl".utf8.contains(before) else { continue }
            default: break
            }
            w.removeLast(rule.bytes.count)
            w.append(contentsOf: rule.replacement)
            if suffix == "ing" || suffix == "ed" || suffix == "er" {
                // Porter's step 1b: "programm" -> "program"; "automat" -> "automate".
                if !undouble(&w), ends(w, "at") || ends(w, "bl") || ends(w, "iz") { w.append(e) }
            }
            return true
        }
        return false
    }

    /// Drops the last letter of a final double consonant other than l, s, z.
    @discardableResult
    private static func undouble(_ w: inout [UInt8]) -> Bool {
        guard w.count >= 3, let last = w.last, last == w[w.count - 2], !isVowel(last),
              !"lsz".utf8.contains(last)
        else { return false }
        w.removeLast()
        return true
    }
}
