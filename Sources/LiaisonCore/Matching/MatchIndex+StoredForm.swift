/// Reading the stored analysis of a topic (`TopicAnalysis.stored`) straight from its bytes:
/// start-up at a million topics must not build a String or a dictionary entry per word.
extension MatchIndex {
    /// Reads "stem/surface ...|key@first ..." (see `TopicAnalysis.stored`) into token
    /// ranges; false when malformed or without words. One pass over the bytes.
    static func parse(_ stored: UnsafeBufferPointer<UInt8>, _ words: inout [(stem: Range<Int>, surface: Range<Int>)],
                      _ compounds: inout [(key: Range<Int>, first: Int)]) -> Bool {
        words.removeAll(keepingCapacity: true)
        compounds.removeAll(keepingCapacity: true)
        var tokenStart = 0
        var mark = -1   // "/" in a word, "@" in a compound
        var inCompounds = false
        func finish(_ end: Int) -> Bool {
            guard tokenStart < end else { return true }
            guard mark >= 0 else { return false }
            if inCompounds {
                var first = 0
                guard mark + 1 < end, end - mark <= 4 else { return false }
                for k in (mark + 1)..<end {
                    guard stored[k] >= 0x30, stored[k] <= 0x39 else { return false }
                    first = first * 10 + Int(stored[k] - 0x30)
                }
                // Two words joined, so up to twice a word's length.
                guard first + 1 < words.count, mark - tokenStart <= 8 * TopicText.maxWordLength else { return false }
                compounds.append((tokenStart..<mark, first))
            } else {
                let stem = tokenStart..<mark, surface = (mark + 1)..<end
                guard withinWordLength(stored, stem), withinWordLength(stored, surface) else { return false }
                words.append((stem, surface))
            }
            return true
        }
        for i in 0..<stored.count {
            switch stored[i] {
            case UInt8(ascii: " "):
                guard finish(i) else { return false }
                mark = -1
                tokenStart = i + 1
            case UInt8(ascii: "|") where !inCompounds:
                guard finish(i) else { return false }
                mark = -1
                inCompounds = true
                tokenStart = i + 1
            case UInt8(ascii: "/") where !inCompounds && mark < 0:
                mark = i
            case UInt8(ascii: "@") where inCompounds:
                mark = i
            default:
                break
            }
        }
        guard inCompounds, finish(stored.count) else { return false }
        return !words.isEmpty
    }

    /// Whether a stored word is no longer than `TopicText.words` makes words now. A state
    /// file written before that bound may hold longer ones: the topic is then analysed again.
    private static func withinWordLength(_ stored: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        guard range.count > TopicText.maxWordLength else { return true }
        let word = String(decoding: UnsafeBufferPointer(rebasing: stored[range]), as: UTF8.self)
        return word.unicodeScalars.count <= TopicText.maxWordLength
    }
}
