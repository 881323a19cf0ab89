/// Reducing the text after a request pattern to the topic itself.
extension RequestDetector {
    /// The topic in `tokens`: cut at the first sentence end, trailing fillers and smileys
    /// removed, leading "about"/articles removed, punctuation around it trimmed. `strict`
    /// (detection) also rejects what cannot be a topic: a question word or pronoun first,
    /// a dangling preposition last, more than `maxTopicWords` words. Nil when nothing is left.
    static func reduce(_ tokens: ArraySlice<ChatToken>, strict: Bool) -> String? {
        var topic = trimEnd(cutAtSentenceEnd(tokens))
        while let first = topic.first {
            if first.isDecoration {
                topic.removeFirst()
            } else if let n = phraseAtStart(topic, RequestPhrases.topicOpenings) {
                topic.removeFirst(n)
            } else if strict, first.word == "the", topic.count > 1,
                      RequestPhrases.particular.contains(topic[topic.index(after: topic.startIndex)].word) {
                // "the new printer", "the latest season": one thing in the news, not a skill.
                return nil
            } else if topic.count > 1, RequestPhrases.determiners.contains(first.word) {
                topic.removeFirst()
            } else if topic.count > 1, let n = phraseAtStart(topic, RequestPhrases.qualityOpenings), n < topic.count {
                topic.removeFirst(n)
            } else {
                break
            }
        }
        topic = trimEnd(cutAtQualifier(topic))
        while topic.count > 1, let n = phraseAtEnd(topic, RequestPhrases.genericHeads), n < topic.count {
            topic = trimEnd(topic.dropLast(n))
        }
        guard let first = topic.first, let last = topic.last else { return nil }
        if strict {
            let wordCount = topic.filter { !$0.word.isEmpty }.count
            guard !RequestPhrases.notTopicStarts.contains(first.word),
                  !RequestPhrases.notTopicEnds.contains(last.word),
                  wordCount <= RequestPhrases.maxTopicWords
            else { return nil }
        }
        var text = Substring(topic.map(\.raw).joined(separator: " "))
        while let c = text.last, ChatToken.trailingPunctuation.contains(c) || c == "-" { text.removeLast() }
        while let c = text.first, ChatToken.leadingPunctuation.contains(c) { text.removeFirst() }
        let result = String(text)
        return result.contains(where: { $0.isLetter || $0.isNumber }) ? result : nil
    }

    /// Before a phrase that says whom or where the topic is for, after at least one word of
    /// it: "camping near the lake" -> "camping", "piano as an adult" -> "piano". A word
    /// that ends a sentence or clause (a comma) ends the topic there too.
    static func cutAtQualifier(_ tokens: ArraySlice<ChatToken>) -> ArraySlice<ChatToken> {
        guard tokens.count > 1 else { return tokens }
        // Compared in place: `ask TEXT` may be a whole long line, so nothing is copied per word.
        for i in (tokens.startIndex + 1)..<tokens.endIndex
        where RequestPhrases.qualifiers.contains(where: { tokens[i...].lazy.map(\.word).starts(with: $0) }) {
            return tokens[..<i]
        }
        return tokens
    }

    /// Up to and including the first token that ends a sentence: "rust? I need help" -> "rust?".
    static func cutAtSentenceEnd(_ tokens: ArraySlice<ChatToken>) -> ArraySlice<ChatToken> {
        guard let end = tokens.firstIndex(where: \.endsSentence) else { return tokens }
        return tokens[...end]
    }

    /// Removes trailing smileys and fillers ("here", "at all", "please", "thanks").
    static func trimEnd(_ tokens: ArraySlice<ChatToken>) -> ArraySlice<ChatToken> {
        var rest = tokens
        while let last = rest.last {
            if last.isDecoration {
                rest.removeLast()
            } else if let n = phraseAtEnd(rest, RequestPhrases.topicEndings) {
                rest.removeLast(n)
            } else {
                break
            }
        }
        return rest
    }

    /// The length of the longest phrase that ends `tokens`, word for word.
    static func phraseAtEnd(_ tokens: ArraySlice<ChatToken>, _ phrases: [[String]]) -> Int? {
        phrases.filter { $0.count <= tokens.count && tokens.suffix($0.count).map(\.word) == $0 }
            .map(\.count).max()
    }

    /// The length of the longest phrase that starts `tokens`, word for word.
    static func phraseAtStart(_ tokens: ArraySlice<ChatToken>, _ phrases: [[String]]) -> Int? {
        phrases.filter { $0.count <= tokens.count && tokens.prefix($0.count).map(\.word) == $0 }
            .map(\.count).max()
    }
}
