import Foundation

/// The in-memory expertise index (SPEC §5). Built at start-up from the state file with
/// `insert`, kept current as topics change. Not thread-safe; the owner serialises access.
///
/// Compact, so a million topics fit in memory: words are interned once in a vocabulary
/// and a topic is a few integers into flat arrays (its words, its compound keys, its text
/// bytes). Postings map a term to the topics that carry it, so a search touches only the
/// postings of the query's terms; the typo lookup for a word no topic contains goes
/// through a deletion index of the vocabulary (`TypoIndex`), never the topics.
///
/// Scoring (see `MatchIndex+Scoring.swift`): each query word weighs its IDF in the
/// directory, so a rare word counts more than a common one. A topic matches when the
/// query words it covers carry at least `coverageThreshold` of the query's weight.
public final class MatchIndex {
    /// Every stem, surface form and compound key, interned.
    var vocabulary = Vocabulary()
    /// Per term: the topic slots that carry it (as a stem or compound key).
    var postings: [[Int32]] = []
    /// Stems and surface forms that typos may reach (may hold terms no topic carries any
    /// more: check postings), and which terms are in it.
    var typo = TypoIndex()
    var typoIndexed: [Bool] = []
    /// For a surface form, the stem it reduces to (-1: not a surface). A typo defeats the
    /// stemmer ("trqnslation" keeps its suffix), so typos are also compared as typed.
    var surfaceStem: [Int32] = []

    // Members.
    var memberIDs: [Identity: Int32] = [:]
    var members: [Identity] = []

    // Topic slots: structure of arrays. A removed slot is marked dead, never reused.
    var slotMember: [Int32] = []
    var slotTopicID: [Int64] = []
    var slotAlive: [Bool] = []
    var slotWordStart: [Int32] = []
    var slotWordCount: [UInt8] = []
    var slotCompoundStart: [Int32] = []
    var slotCompoundCount: [UInt8] = []
    var slotTextStart: [Int32] = []
    var slotTextLength: [Int32] = []
    var wordStems: [Int32] = []
    var wordSurfaces: [Int32] = []
    var compoundKeys: [Int32] = []
    var compoundFirst: [UInt8] = []
    var textBytes: [UInt8] = []
    /// Topic id -> slot (-1: none): a flat array, as ids are the state file's row ids and
    /// dense; an id far beyond the topics indexed goes to `sparseSlotOf`.
    var slotOfID: [Int32] = []
    var sparseSlotOf: [Int64: Int32] = [:]
    var liveCount = 0

    /// Where `insert` reads a stored analysis: token ranges in its bytes, reused.
    private var parsedWords: [(stem: Range<Int>, surface: Range<Int>)] = []
    private var parsedCompounds: [(key: Range<Int>, first: Int)] = []

    struct Alias {
        var alias: [TopicWord]
        var topic: [TopicWord]
    }

    private(set) var aliases: [Alias] = []
    /// `reach(_:)` of recent queries; it depends on the aliases only.
    var reachCache: [String: QueryReach] = [:]

    public init() {}

    /// Topics indexed.
    public var count: Int { liveCount }

    /// Room for `topics` more topics, before a bulk load (start-up).
    public func reserveCapacity(_ topics: Int) {
        let total = slotMember.count + topics
        slotMember.reserveCapacity(total)
        slotWordStart.reserveCapacity(total)
        slotCompoundStart.reserveCapacity(total)
        slotTextStart.reserveCapacity(total)
        slotTextLength.reserveCapacity(total)
        slotTopicID.reserveCapacity(total)
        slotAlive.reserveCapacity(total)
        slotWordCount.reserveCapacity(total)
        slotCompoundCount.reserveCapacity(total)
        slotOfID.reserveCapacity(total)
        wordStems.reserveCapacity(total * 3)
        wordSurfaces.reserveCapacity(total * 3)
        compoundKeys.reserveCapacity(total * 2)
        compoundFirst.reserveCapacity(total * 2)
        textBytes.reserveCapacity(textBytes.count + topics * 24)
        vocabulary.reserveCapacity(terms: topics / 2, bytes: topics * 6)
    }

    /// Finishes what a bulk load deferred (the typo table) so that the first search is as
    /// fast as the others; a search does it anyway when it was not called.
    public func prepare() {
        typo.prepare(vocabulary)
    }

    /// The term's id, added to the vocabulary if new. `word`: a stem or surface form, which
    /// typos may reach (not a compound key: scoring never compares those with edits).
    func intern(_ term: UnsafeBufferPointer<UInt8>, word: Bool) -> Int32 {
        let (id, isNew) = vocabulary.intern(term)
        if isNew {
            postings.append([])
            surfaceStem.append(-1)
            typoIndexed.append(false)
        }
        if word, !typoIndexed[Int(id)], Self.isTypoCandidate(term) {
            typoIndexed[Int(id)] = true
            typo.add(id)
        }
        return id
    }

    /// `TopicAnalysis.isTypoCandidate` on bytes, without a String for the common case.
    static func isTypoCandidate(_ term: UnsafeBufferPointer<UInt8>) -> Bool {
        guard term.count >= 4 else { return false }
        if term.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) { return true }
        return term.contains { $0 >= 0x80 } && TopicAnalysis.isTypoCandidate(String(decoding: term, as: UTF8.self))
    }

    func slot(of topicID: Int64) -> Int32? {
        if topicID >= 0, topicID < Int64(slotOfID.count) {
            let slot = slotOfID[Int(topicID)]
            return slot >= 0 ? slot : nil
        }
        return sparseSlotOf[topicID]
    }

    private func setSlot(_ slot: Int32, of topicID: Int64) {
        if topicID >= 0, topicID < Int64(slotOfID.count) {
            slotOfID[Int(topicID)] = slot
        } else if topicID >= 0, topicID < Int64(2 * slotMember.count + 1_024) {
            slotOfID.append(contentsOf: repeatElement(-1, count: Int(topicID) + 1 - slotOfID.count))
            slotOfID[Int(topicID)] = slot
        } else if slot >= 0 {
            sparseSlotOf[topicID] = slot
        } else {
            sparseSlotOf[topicID] = nil
        }
    }

    /// Adds a member's topic; re-inserting an id replaces it. `analysis` is the stored form
    /// of `TopicAnalysis.stored` (kept in the state file so start-up need not re-analyse).
    public func insert(topicID: Int64, member: Identity, text: String, analysis stored: String? = nil) {
        remove(topicID: topicID)
        // The stored form is read as bytes straight into term ids: start-up at a million
        // topics must not build a String or a dictionary entry per word.
        var form = stored ?? ""
        if !form.withUTF8({ Self.parse($0, &parsedWords, &parsedCompounds) }) {
            form = TopicText.analysis(text)
            if !form.withUTF8({ Self.parse($0, &parsedWords, &parsedCompounds) }) {
                parsedWords.removeAll()
                parsedCompounds.removeAll()
            }
        }
        let memberID: Int32
        if let known = memberIDs[member] {
            memberID = known
        } else {
            memberID = Int32(members.count)
            memberIDs[member] = memberID
            members.append(member)
        }
        let slot = Int32(slotMember.count)
        slotMember.append(memberID)
        slotTopicID.append(topicID)
        slotAlive.append(true)
        slotWordStart.append(Int32(wordStems.count))
        slotWordCount.append(UInt8(min(parsedWords.count, 255)))
        slotCompoundStart.append(Int32(compoundKeys.count))
        slotCompoundCount.append(UInt8(min(parsedCompounds.count, 255)))
        var keys: [Int32] = []
        form.withUTF8 { bytes in
            for word in parsedWords.prefix(255) {
                let stem = intern(UnsafeBufferPointer(rebasing: bytes[word.stem]), word: true)
                wordStems.append(stem)
                let sameForm = bytes[word.surface].elementsEqual(bytes[word.stem])
                let surface = sameForm ? stem : intern(UnsafeBufferPointer(rebasing: bytes[word.surface]), word: true)
                wordSurfaces.append(surface)
                if surface != stem { surfaceStem[Int(surface)] = stem }
                if !keys.contains(stem) { keys.append(stem) }
            }
            for compound in parsedCompounds.prefix(255) {
                let key = intern(UnsafeBufferPointer(rebasing: bytes[compound.key]), word: false)
                compoundKeys.append(key)
                compoundFirst.append(UInt8(min(compound.first, 254)))
                if !keys.contains(key) { keys.append(key) }
            }
        }
        slotTextStart.append(Int32(textBytes.count))
        slotTextLength.append(Int32(text.utf8.count))
        textBytes.append(contentsOf: text.utf8)
        for term in keys { postings[Int(term)].append(slot) }
        setSlot(slot, of: topicID)
        liveCount += 1
    }

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
                guard first + 1 < words.count else { return false }
                compounds.append((tokenStart..<mark, first))
            } else {
                words.append((tokenStart..<mark, (mark + 1)..<end))
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

    public func remove(topicID: Int64) {
        guard let slot = slot(of: topicID) else { return }
        setSlot(-1, of: topicID)
        let s = Int(slot)
        slotAlive[s] = false
        liveCount -= 1
        let words = Int(slotWordStart[s])..<(Int(slotWordStart[s]) + Int(slotWordCount[s]))
        let compounds = Int(slotCompoundStart[s])..<(Int(slotCompoundStart[s]) + Int(slotCompoundCount[s]))
        for term in Set(wordStems[words] + compoundKeys[compounds]) {
            postings[Int(term)].removeAll { $0 == slot }
        }
    }

    /// Removes every topic of `member` (rare: forget, admin remove; a scan of the slots).
    public func removeAll(member: Identity) {
        guard let id = memberIDs[member] else { return }
        for slot in slotMember.indices where slotMember[slot] == id && slotAlive[slot] {
            remove(topicID: slotTopicID[slot])
        }
    }

    func text(_ slot: Int) -> String {
        let start = Int(slotTextStart[slot])
        return String(decoding: textBytes[start..<(start + Int(slotTextLength[slot]))], as: UTF8.self)
    }

    /// Admin aliases: ("HECM", "reverse mortgage"). A query containing the alias phrase also
    /// matches topics of the aliased topic, and vice versa (a member who lists "HECM"
    /// matches a query "reverse mortgage"). Replaces the previous set. An alias whose
    /// either side has no terms is ignored.
    public func setAliases(_ aliases: [(alias: String, topic: String)]) {
        reachCache.removeAll()
        self.aliases = aliases.compactMap { pair in
            let alias = TopicText.words(pair.alias), topic = TopicText.words(pair.topic)
            guard !alias.isEmpty, !topic.isEmpty, alias.map(\.stem) != topic.map(\.stem) else { return nil }
            return Alias(alias: alias, topic: topic)
        }
    }
}
