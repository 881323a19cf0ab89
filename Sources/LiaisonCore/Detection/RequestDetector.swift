import Foundation
/// Natural-language requests in a channel (SPEC §2): "who knows about X?".
///
/// Decisions beyond the SPEC's list of forms:
/// - "somebody"/"someone" are accepted wherever "anyone"/"anybody" are; "here", "around"
///   and "else" may follow the subject ("does anyone here know X"), and a few natural
///   neighbours are accepted too (`RequestPhrases.requests`).
/// - A how-to or fact question is not a request: X may not start with a question word or
///   a pronoun ("anyone know how to exit vim?", "does anyone know if the meeting is
///   today?"). People answer those in the channel; offering them to experts privately
///   would be noise.
/// - "Ends with ?" tolerates trailing politeness and smileys: "who knows about rust?
///   thanks! :)" counts. Any other text after the "?" means it does not end with "?"
///   ("who knows about rust? I need help" counts only when addressed). A request that
///   says it wants a person needs no "?" in a line that asks nothing: "looking for someone
///   who knows about immigration law" (`RequestPhrases.declarative`).
/// - A line that starts with "nick:" or "nick," (after greetings) or "@nick" talks to
///   someone else: not a request, unless it was addressed to the bot (the nick is then
///   taken to be the bot's and skipped). Lines starting with ">" or a quote mark, and
///   pasted log lines ("<bob> who knows ...") quote someone: not requests.
/// - The request must open its sentence (after greetings and fillers), so a question inside
///   a sentence ("he asked who knows about rust?") is not one; a question sentence anywhere
///   in the line counts, with context before or after it.
/// - Directions, contact details and people by name are facts, not skills: "how to get to
///   the venue", "alice's email", "a guy named steve".
/// - The topic is what a member would have listed: "a good pizza place" -> "pizza",
///   "camping spot near the lake" -> "camping", "any german speakers" -> "german".
/// - A question followed only by laughter ("... secrets? lol") is banter.
public enum RequestDetector {
    /// The topic when `line` is a natural-language request of SPEC §2, else nil.
    /// `addressed`: the line was addressed to the bot (then it need not end with "?").
    /// Case-insensitive, tolerant of punctuation, formatting codes, *emphasis*, `/me` text
    /// and leading greetings. The topic is cut at the first sentence end and stripped of
    /// leading "about"/articles and trailing fillers ("here", "please", "thanks"); more
    /// than 12 words is no request.
    public static func detect(_ line: String, addressed: Bool) -> String? {
        guard !endsInLaughter(line) else { return nil }
        guard let topic = detectAtStart(line, addressed: addressed) ?? detectInSentences(line, addressed: addressed)
            ?? detectInLastSentence(line, addressed: addressed)
        else { return nil }
        return isFactOrEvent(topic) ? nil : topic
    }

    /// "hey all, does anyone know about reverse mortgages? my parents are looking at one": a
    /// question sentence anywhere in the line counts, with context before or after it. A
    /// line that quotes someone or talks to someone else stays what it is.
    static func detectInSentences(_ line: String, addressed: Bool) -> String? {
        let plain = ChatText.plain(line)
        let tokens = ChatToken.split(plain)
        guard let first = tokens.first, let c = first.raw.first, !">\"\u{201C}\u{201E}\u{AB}'\u{2018}<@".contains(c),
              addressed || first.trailing != ":"
        else { return nil }
        var start = 0
        for (i, token) in tokens.enumerated() where token.endsSentence {
            let sentence = tokens[start...i].map(\.raw).joined(separator: " ")
            if token.trailing.contains("?"),
               let topic = detectAtStart(sentence, addressed: false) ?? detectAfterClause(tokens[start...i]) {
                // "who knows tax law? nvm found it": withdrawn in the same line.
                let after = tokens[(i + 1)...].map(\.word)
                if after.contains(where: { ["nvm", "nevermind", "nvmd"].contains($0) })
                    || after.joined(separator: " ").contains("never mind") || after.joined(separator: " ").contains("found it") {
                    return nil
                }
                return topic
            }
            start = i + 1
        }
        return nil
    }

    /// "my sink is leaking, does anyone know plumbing?": a question after a clause of context
    /// and a comma. The clause has three words or more, so a name or greeting before the
    /// comma ("bob, who knows rust?") still talks to someone or opens the line.
    static func detectAfterClause(_ sentence: ArraySlice<ChatToken>) -> String? {
        var words = 0
        for k in sentence.indices.dropLast() {
            if !sentence[k].word.isEmpty { words += 1 }
            guard sentence[k].trailing.contains(","), words >= 3 else { continue }
            let question = sentence[(k + 1)...].map(\.raw).joined(separator: " ")
            if let topic = detectAtStart(question, addressed: false) { return topic }
        }
        return nil
    }

    /// "We're buying a house. Is there anyone who knows about mortgages?": the request is
    /// the last sentence; what comes before it is context.
    static func detectInLastSentence(_ line: String, addressed: Bool) -> String? {
        let plain = ChatText.plain(line)
        var cut: String.Index?
        for separator in [". ", "! ", "; ", " - ", "... "] {
            if let range = plain.range(of: separator, options: .backwards), cut.map({ range.upperBound > $0 }) ?? true {
                cut = range.upperBound
            }
        }
        guard let cut, cut < plain.endIndex else { return nil }
        let last = String(plain[cut...])
        // A quote or a line addressed to someone else stays what it is.
        guard let first = last.first, !">\"\u{201C}\u{201E}\u{AB}'\u{2018}".contains(first) else { return nil }
        return detectAtStart(last, addressed: addressed)
    }

    /// "is anyone here good at keeping secrets? lol": a question answered by its own laugh
    /// is banter. Only laughter after the last "?" counts ("who knows about bitcoin? my
    /// uncle keeps telling me to buy some lol" is a request).
    static func endsInLaughter(_ line: String) -> Bool {
        let tokens = ChatToken.split(ChatText.plain(line))
        guard let mark = tokens.lastIndex(where: { $0.trailing.contains("?") }), mark + 1 < tokens.count else { return false }
        let after = tokens[(mark + 1)...].filter { !$0.word.isEmpty }
        return !after.isEmpty && after.allSatisfy { RequestPhrases.laughter.contains($0.word) }
    }

    /// A question about a fact or an event, not about expertise: "does anyone know about the
    /// meeting tomorrow?", "who knows the answer to question 3?", "who knows anymore?".
    static let timeWords: Set<String> = [
        "today", "tonight", "tomorrow", "yesterday", "monday", "tuesday", "wednesday", "thursday", "friday",
        "saturday", "sunday", "weekend",
    ]
    static let eventWords: Set<String> = [
        "meeting", "party", "outage", "answer", "answers", "password", "deadline", "schedule", "agenda", "score",
        "result", "results",
    ]
    static let emptyTopics: Set<String> = ["anymore", "one", "ones", "that", "this", "it", "help"]
    /// "anyone know a good time to call?": not a skill when alone or followed by these.
    static let vagueHeads: Set<String> = [
        "time", "reason", "excuse", "idea", "joke", "question", "day", "moment", "way", "kind", "sort", "name", "names",
    ]
    /// "anyone know alice's email?": how to reach someone, a fact about them.
    static let contactWords: Set<String> = [
        "email", "e-mail", "address", "number", "phone", "handle", "username", "nick", "birthday", "whereabouts",
    ]
    /// "anyone know a guy named steve?": a person by name, not a skill.
    static let personWords: Set<String> = ["guy", "girl", "man", "woman", "person", "dude", "lady", "fellow", "kid", "chap"]
    /// "how to get to the venue", "how to get there": directions, not a skill.
    static let directions: [[String]] = [["get", "to"], ["go", "to"], ["get", "there"], ["get", "here"], ["get", "in", "touch"]]

    static func isFactOrEvent(_ topic: String) -> Bool {
        let words = topic.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        guard let first = words.first else { return true }
        if words.count == 1 && emptyTopics.contains(first) { return true }
        if words.contains(where: timeWords.contains) { return true }
        if vagueHeads.contains(first), words.count == 1 || ["to", "for", "why", "when", "of"].contains(words[1]) { return true }
        if words.count == 1 && eventWords.contains(first) || words.contains("password") { return true }
        if directions.contains(where: { words.starts(with: $0) }) { return true }
        let raw = topic.lowercased().split(separator: " ")
        for (i, word) in raw.enumerated().dropLast() {
            let next = raw[i + 1].filter { $0.isLetter || $0 == "-" }
            // "alice's email", "a guy named steve"
            if (word.hasSuffix("'s") || word.hasSuffix("\u{2019}s")) && contactWords.contains(next) { return true }
            if personWords.contains(String(word)) && (next == "named" || next == "called") { return true }
        }
        // "answer to question 3", "party on friday"; but "party planning" is a skill.
        return eventWords.contains(first) && words.count > 1 && ["to", "on", "for", "at", "in", "of"].contains(words[1])
    }

    static func detectAtStart(_ line: String, addressed: Bool) -> String? {
        var text = ChatText.plain(line)
        if text.lowercased().hasPrefix("/me ") { text = String(text.dropFirst(4)) }
        guard let first = text.first, !">\"\u{201C}\u{201E}\u{AB}'\u{2018}".contains(first) else { return nil }
        let tokens = ChatToken.split(text)
        // Not a question: only a request that says it wants someone, in a line that asks nothing.
        let asks = addressed || endsWithQuestion(tokens)
        guard asks || !tokens.contains(where: { $0.trailing.contains("?") || $0.raw.contains("?") }) else { return nil }
        let words = ChatWords(tokens, from: 0).words
        guard var start = skipOpeners(words, tokens: tokens, from: 0) else { return nil }
        let opening = tokens[words[start].token]
        if opening.raw.hasPrefix("<") && opening.raw.hasSuffix(">") { return nil }
        if opening.raw.hasPrefix("@") || opening.trailing == ":" || opening.trailing == "," {
            guard addressed, let next = skipOpeners(words, tokens: tokens, from: nextToken(words, after: start))
            else { return nil }
            start = next
        }
        guard let topic = asks
            ? topicTokens(words, tokens: tokens, at: start, patterns: RequestPhrases.requests, addressed: addressed)
            : statedTopic(words, tokens: tokens, at: start)
        else { return nil }
        return reduce(topic, strict: true)
    }

    /// For an explicit `ask TEXT`: reduces a long or chatty TEXT to its topic ("someone who
    /// knows about reverse mortgages please" -> "reverse mortgages"; "tax law" -> "tax
    /// law"). Never empty for text with letters/digits: when nothing is left after
    /// reduction, the trimmed plain text is returned.
    public static func reduceTopic(_ text: String) -> String {
        let plain = ChatText.plain(text)
        let tokens = ChatToken.split(plain)
        let words = ChatWords(tokens, from: 0).words
        var topic = ArraySlice(tokens)
        if let start = skipOpeners(words, tokens: tokens, from: 0),
           let found = topicTokens(words, tokens: tokens, at: start,
                                   patterns: RequestPhrases.askForms) {
            topic = found
        }
        return reduce(topic, strict: false) ?? plain
    }

    /// "looking for someone who knows about X": the tokens after a request stated without a
    /// question, nil when none starts at word `start`.
    static func statedTopic(_ words: [ChatWords.Word], tokens: [ChatToken], at start: Int) -> ArraySlice<ChatToken>? {
        guard let end = RequestPhrases.declarative.longest(words, tokens: tokens, at: start, punctuation: .request),
              end < words.count, words[end].startsToken
        else { return occupationTopic(words, tokens: tokens, at: start) }
        return tokens[words[end].token...]
    }

    /// The tokens after a request pattern at word `start`, or after "any" in "any X
    /// experts"; nil when no request starts there.
    static func topicTokens(_ words: [ChatWords.Word], tokens: [ChatToken], at start: Int,
                            patterns: WordPatterns, addressed: Bool = true) -> ArraySlice<ChatToken>? {
        if let end = patterns.longest(words, tokens: tokens, at: start, punctuation: .request) {
            // X must start on a whole token: "who knows who's ..." is no topic.
            guard end < words.count, words[end].startsToken else { return nil }
            return tokens[words[end].token...]
        }
        return expertsTopic(words, tokens: tokens, at: start, addressed: addressed)
            ?? personTopic(words, tokens: tokens, at: start)
            ?? skilledTopic(words, tokens: tokens, at: start, prefixes: RequestPhrases.skillPrefixes, ends: RequestPhrases.skillWords)
            ?? skilledTopic(words, tokens: tokens, at: start, prefixes: RequestPhrases.donePrefixes, ends: ["before"])
            ?? occupationTopic(words, tokens: tokens, at: start)
    }

    /// "looking for a plumber", "need a good translator, anyone?": one noun for a person by
    /// their work (a quality before it aside), up to a comma or the sentence's end, and at
    /// most a few words after it. "looking for a roommate" and "need a coffee" ask for no skill.
    static func occupationTopic(_ words: [ChatWords.Word], tokens: [ChatToken], at start: Int) -> ArraySlice<ChatToken>? {
        guard let end = RequestPhrases.occupationPrefixes.longest(words, tokens: tokens, at: start, punctuation: .request),
              end < words.count, words[end].startsToken, let lexicon = Lexicon.loaded
        else { return nil }
        let sentence = cutAtSentenceEnd(tokens[words[end].token...])
        guard let comma = sentence.firstIndex(where: { $0.trailing.contains(",") || $0.endsSentence }) ?? sentence.indices.last
        else { return nil }
        // "a photographer for our wedding": whom it is for is not the topic.
        let rest = trimEnd(cutAtQualifier(sentence[...comma]))
        let after = sentence[(comma + 1)...].filter { !$0.word.isEmpty }
        guard after.count <= 5, rest.count == 1 || (rest.count == 2 && RequestPhrases.qualityOpenings.contains([rest.first!.word])),
              let noun = rest.last?.word, noun.count > 3,
              !RequestPhrases.plainPeople.contains(noun + "s"), !RequestPhrases.plainPeople.contains(noun), !personWords.contains(noun),
              lexicon.isOccupation(noun)
        else { return nil }
        return rest
    }

    /// "anyone with first aid training around?", "does anyone have docker experience?", "has
    /// anyone done a marathon before?": X is between the prefix and a word for having done it
    /// (one of `ends`), which ends the sentence (a place aside). "anyone with a car?", "does
    /// anyone have any experience?" and "has anyone done the homework?" name no skill.
    private static func skilledTopic(_ words: [ChatWords.Word], tokens: [ChatToken], at start: Int,
                                     prefixes: WordPatterns, ends: Set<String>) -> ArraySlice<ChatToken>? {
        guard let end = prefixes.longest(words, tokens: tokens, at: start, punctuation: .request),
              end < words.count, words[end].startsToken
        else { return nil }
        let sentence = cutAtSentenceEnd(tokens[words[end].token...])
        var rest = trimEnd(sentence)
        let tail = sentence.suffix(from: rest.endIndex).map(\.word).filter { !$0.isEmpty }
        guard rest.count >= 2, let last = rest.last, ends.contains(last.word),
              tail.isEmpty || RequestPhrases.places.contains(where: { tail.starts(with: $0) })
        else { return nil }
        rest.removeLast()
        guard rest.contains(where: { !RequestPhrases.determiners.contains($0.word) }) else { return nil }
        return rest
    }

    /// "is anyone here a nurse?", "is there an electrician around?": one noun for a person
    /// by what they do, ending the sentence (fillers and a place aside); not a plain person
    /// ("is anyone here a student?", "a mod?") and not a word WordNet does not know.
    private static func personTopic(_ words: [ChatWords.Word], tokens: [ChatToken], at start: Int) -> ArraySlice<ChatToken>? {
        guard let end = RequestPhrases.personPrefixes.longest(words, tokens: tokens, at: start, punctuation: .request),
              end < words.count, words[end].startsToken, let lexicon = Lexicon.loaded
        else { return nil }
        let sentence = cutAtSentenceEnd(tokens[words[end].token...])
        let rest = trimEnd(sentence)
        let tail = sentence.suffix(from: rest.endIndex).map(\.word).filter { !$0.isEmpty }
        guard rest.count == 1, let noun = rest.first?.word, noun.count > 3,
              tail.isEmpty || RequestPhrases.places.contains(where: { tail.starts(with: $0) }),
              !RequestPhrases.plainPeople.contains(noun + "s"), !RequestPhrases.plainPeople.contains(noun),
              !personWords.contains(noun),
              lexicon.isWord(noun), lexicon.isPerson(noun)
        else { return nil }
        return rest
    }

    /// "any rust experts here?", "are there any tax law specialists?": X is between the
    /// prefix and the expert word, which must end the sentence (trailing fillers aside).
    /// `addressed`: said to the bot, so "liaison: any electricians" needs no "here".
    private static func expertsTopic(_ words: [ChatWords.Word], tokens: [ChatToken],
                                     at start: Int, addressed: Bool) -> ArraySlice<ChatToken>? {
        guard let end = RequestPhrases.expertsPrefixes.longest(words, tokens: tokens, at: start, punctuation: .request),
              end < words.count, words[end].startsToken
        else { return nil }
        let sentence = cutAtSentenceEnd(tokens[words[end].token...])
        var rest = trimEnd(sentence)
        guard let last = rest.last else { return nil }
        if rest.count >= 2, RequestPhrases.expertWords.contains(last.word) || RequestPhrases.peopleWords.contains(last.word) {
            rest.removeLast()
            return rest
        }
        // "any beekeepers here?", "any vegan cooks around?": people who do X, where they are asked.
        var tail = sentence.suffix(from: rest.endIndex).map(\.word).filter { !$0.isEmpty }
        // "any linux folks around?": the people word went with the fillers.
        if let f = tail.first, RequestPhrases.peopleWords.contains(f) || RequestPhrases.expertWords.contains(f) {
            tail.removeFirst()
            if tail.isEmpty || RequestPhrases.places.contains(where: { tail.starts(with: $0) }),
               !RequestPhrases.peopleWords.contains(last.word), !RequestPhrases.expertWords.contains(last.word) {
                return rest
            }
            return nil
        }
        let placed = tail.isEmpty ? addressed : RequestPhrases.places.contains(where: { tail.starts(with: $0) })
        // "any german speakers here?": people who name no skill of their own, qualified by one.
        if placed, rest.count >= 2, rest.count <= 3, RequestPhrases.skillPeople.contains(last.word),
           let qualifier = rest.first, !RequestPhrases.notQualifiers.contains(qualifier.word) {
            return rest.dropLast()
        }
        guard rest.count <= 3, !RequestPhrases.expertWords.contains(last.word), !RequestPhrases.peopleWords.contains(last.word), placed,
              last.word.count > 3, last.word.hasSuffix("s"), !RequestPhrases.plainPeople.contains(last.word),
              isPeople(last.word)
        else { return nil }
        return rest
    }

    /// A plural naming people by what they do: "beekeepers", "nurses", "electricians"; a
    /// word WordNet does not list is judged by its ending ("birdwatchers").
    static func isPeople(_ plural: String) -> Bool {
        if let lexicon = Lexicon.loaded, lexicon.isWord(plural) { return lexicon.isPerson(plural) }
        return ["ers", "ors", "ists", "ians", "ants"].contains { plural.hasSuffix($0) }
    }

    /// Skips greetings and fillers; the word index where the request may start, or nil
    /// when nothing is left.
    static func skipOpeners(_ words: [ChatWords.Word], tokens: [ChatToken], from: Int) -> Int? {
        var i = from
        var afterOpener = false
        while i < words.count {
            let token = tokens[words[i].token]
            let punctuated = !token.trailing.isEmpty
            if token.isDecoration && words[i].startsToken {
                i += 1
            } else if let end = RequestPhrases.openers.longest(words, tokens: tokens, at: i, punctuation: .free) {
                i = end
                afterOpener = true
            } else if RequestPhrases.audience.contains(words[i].text) && (afterOpener || punctuated)
                        || RequestPhrases.punctuatedAudience.contains(words[i].text) && punctuated {
                i += 1
            } else {
                return i
            }
        }
        return nil
    }

    private static func nextToken(_ words: [ChatWords.Word], after i: Int) -> Int {
        var j = i + 1
        while j < words.count, !words[j].startsToken { j += 1 }
        return j
    }

    /// The line ends with "?", ignoring smileys, emoji and polite endings after it.
    static func endsWithQuestion(_ tokens: [ChatToken]) -> Bool {
        var rest = ArraySlice(tokens)
        while let last = rest.last {
            if last.trailing.contains("?") || (last.word.isEmpty && last.raw.contains("?")) { return true }
            if last.isDecoration {
                rest.removeLast()
            } else if let n = phraseAtEnd(rest, RequestPhrases.politeEndings) {
                rest.removeLast(n)
            } else {
                return false
            }
        }
        return false
    }
}
