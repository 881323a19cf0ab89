import Foundation

/// The in-memory expertise index (SPEC §5). Built at start-up from the state file with
/// `insert`, kept current as topics change. Not thread-safe; the owner serialises access.
///
/// Compact, so a million topics fit in memory: words are interned once in a vocabulary
/// and a topic is a few integers into flat arrays (its words, its compound keys, its text
/// bytes). Postings map a term to the topics that carry it, so a search touches only the
/// postings of the query's terms; the typo lookup for a word no topic contains scans the
/// vocabulary of nearby lengths behind a letter-set filter, never the topics.
///
/// Scoring (see `MatchIndex+Scoring.swift`): each query word weighs its IDF in the
/// directory, so a rare word counts more than a common one. A topic matches when the
/// query words it covers carry at least `coverageThreshold` of the query's weight.
public final class MatchIndex {
    // Vocabulary: every stem, surface form and compound key, interned.
    var termIDs: [String: Int32] = [:]
    var terms: [String] = []
    /// Letters present in each term (a-z as bits), for the typo filter.
    var termLetters: [UInt32] = []
    /// Per term: the topic slots that carry it (as a stem or compound key).
    var postings: [[Int32]] = []
    /// Typo-able terms by length (may hold terms no topic carries any more: check postings).
    var typoTerms: [Int: [Int32]] = [:]
    /// For a surface form, the stem it reduces to (-1: not a surface). A typo defeats the
    /// stemmer ("trqnslation" keeps its suffix), so typos are also compared as typed.
    var surfaceStem: [Int32] = []

    // Members.
    var memberIDs: [Identity: Int32] = [:]
    var members: [Identity] = []
    var memberSlots: [[Int32]] = []

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
    var slotOf: [Int64: Int32] = [:]
    var liveCount = 0

    struct Alias {
        var alias: [TopicWord]
        var topic: [TopicWord]
    }

    private(set) var aliases: [Alias] = []

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
        wordStems.reserveCapacity(total * 3)
        wordSurfaces.reserveCapacity(total * 3)
        compoundKeys.reserveCapacity(total * 2)
        compoundFirst.reserveCapacity(total * 2)
        textBytes.reserveCapacity(textBytes.count + topics * 24)
        slotOf.reserveCapacity(total)
        termIDs.reserveCapacity(termIDs.count + topics / 4)
    }

    func intern(_ term: String) -> Int32 {
        if let id = termIDs[term] { return id }
        let id = Int32(terms.count)
        termIDs[term] = id
        terms.append(term)
        termLetters.append(Self.letters(term))
        postings.append([])
        surfaceStem.append(-1)
        if TopicAnalysis.isTypoCandidate(term) { typoTerms[term.count, default: []].append(id) }
        return id
    }

    static func letters(_ s: String) -> UInt32 {
        var mask: UInt32 = 0
        for b in s.utf8 where b >= 0x61 && b <= 0x7A { mask |= 1 << UInt32(b - 0x61) }
        return mask
    }

    /// Adds a member's topic; re-inserting an id replaces it. `analysis` is the stored form
    /// of `TopicAnalysis.stored` (kept in the state file so start-up need not re-analyse).
    public func insert(topicID: Int64, member: Identity, text: String, analysis stored: String? = nil) {
        remove(topicID: topicID)
        // The stored form is read straight into term IDs: start-up at a million topics
        // must not build a dictionary per topic.
        var words: [(stem: Substring, surface: Substring)] = []
        var compounds: [(key: Substring, first: Int)] = []
        if let stored, Self.parse(stored, &words, &compounds) {
        } else {
            let analysis = TopicAnalysis(text)
            words = analysis.words.map { (Substring($0.stem), Substring($0.surface)) }
            compounds = analysis.compounds.sorted { $0.value.first < $1.value.first }.map { (Substring($0.key), $0.value.first) }
        }
        let memberID: Int32
        if let known = memberIDs[member] {
            memberID = known
        } else {
            memberID = Int32(members.count)
            memberIDs[member] = memberID
            members.append(member)
            memberSlots.append([])
        }
        let slot = Int32(slotMember.count)
        slotMember.append(memberID)
        slotTopicID.append(topicID)
        slotAlive.append(true)
        slotWordStart.append(Int32(wordStems.count))
        slotWordCount.append(UInt8(min(words.count, 255)))
        var keys: [Int32] = []
        for word in words.prefix(255) {
            let stem = intern(String(word.stem))
            wordStems.append(stem)
            let surface = word.surface == word.stem ? stem : intern(String(word.surface))
            wordSurfaces.append(surface)
            if surface != stem { surfaceStem[Int(surface)] = stem }
            if !keys.contains(stem) { keys.append(stem) }
        }
        slotCompoundStart.append(Int32(compoundKeys.count))
        slotCompoundCount.append(UInt8(min(compounds.count, 255)))
        for compound in compounds.prefix(255) {
            let key = intern(String(compound.key))
            compoundKeys.append(key)
            compoundFirst.append(UInt8(min(compound.first, 254)))
            if !keys.contains(key) { keys.append(key) }
        }
        let bytes = text.utf8
        slotTextStart.append(Int32(textBytes.count))
        slotTextLength.append(Int32(bytes.count))
        textBytes.append(contentsOf: bytes)
        for term in keys { postings[Int(term)].append(slot) }
        memberSlots[Int(memberID)].append(slot)
        slotOf[topicID] = slot
        liveCount += 1
    }

    /// "stem/surface ...|key@first ..." (see `TopicAnalysis.stored`); false when malformed.
    /// One pass over the bytes, no intermediate arrays: it runs once per topic at start-up.
    static func parse(_ stored: String, _ words: inout [(stem: Substring, surface: Substring)],
                      _ compounds: inout [(key: Substring, first: Int)]) -> Bool {
        let utf8 = stored.utf8
        var i = utf8.startIndex
        var tokenStart = i
        var mark: String.Index?   // "/" in a word, "@" in a compound
        var inCompounds = false
        func finish(_ end: String.Index) -> Bool {
            guard tokenStart < end else { return true }
            guard let mark else { return false }
            if inCompounds {
                guard let first = Int(stored[stored.index(after: mark)..<end]), first >= 0, first + 1 < words.count else { return false }
                compounds.append((stored[tokenStart..<mark], first))
            } else {
                words.append((stored[tokenStart..<mark], stored[stored.index(after: mark)..<end]))
            }
            return true
        }
        while i < utf8.endIndex {
            switch utf8[i] {
            case UInt8(ascii: " "):
                guard finish(i) else { return false }
                mark = nil
                tokenStart = utf8.index(after: i)
            case UInt8(ascii: "|") where !inCompounds:
                guard finish(i) else { return false }
                mark = nil
                inCompounds = true
                tokenStart = utf8.index(after: i)
            case UInt8(ascii: "/") where !inCompounds && mark == nil:
                mark = i
            case UInt8(ascii: "@") where inCompounds:
                mark = i
            default:
                break
            }
            i = utf8.index(after: i)
        }
        guard inCompounds, finish(utf8.endIndex) else { return false }
        return !words.isEmpty
    }

    public func remove(topicID: Int64) {
        guard let slot = slotOf.removeValue(forKey: topicID) else { return }
        let s = Int(slot)
        slotAlive[s] = false
        liveCount -= 1
        let words = Int(slotWordStart[s])..<(Int(slotWordStart[s]) + Int(slotWordCount[s]))
        let compounds = Int(slotCompoundStart[s])..<(Int(slotCompoundStart[s]) + Int(slotCompoundCount[s]))
        for term in Set(wordStems[words] + compoundKeys[compounds]) {
            postings[Int(term)].removeAll { $0 == slot }
        }
        memberSlots[Int(slotMember[s])].removeAll { $0 == slot }
    }

    /// Removes every topic of `member`.
    public func removeAll(member: Identity) {
        guard let id = memberIDs[member] else { return }
        for slot in memberSlots[Int(id)] { remove(topicID: slotTopicID[Int(slot)]) }
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
        self.aliases = aliases.compactMap { pair in
            let alias = TopicText.words(pair.alias), topic = TopicText.words(pair.topic)
            guard !alias.isEmpty, !topic.isEmpty, alias.map(\.stem) != topic.map(\.stem) else { return nil }
            return Alias(alias: alias, topic: topic)
        }
    }

    /// At most this many topics are scored for one query: enough for any request (the
    /// broker offers to a handful), and a bound on the cost of a query of common words.
    static let maxCandidates = 20_000

    /// One hit per member (their best topic), sorted by relevance descending, then member;
    /// at most `limit`. A query without terms ("the", "what is it") has no hits.
    public func search(_ query: String, limit: Int = 1_000) -> [MatchHit] {
        var resolver = TermResolver(index: self)
        guard let plan = plan(query, &resolver) else { return [] }
        var seen = Set<Int32>()
        var best: [Int32: (slot: Int32, relevance: Double)] = [:]
        outer: for term in plan.candidateTerms {
            for slot in postings[Int(term)] where seen.insert(slot).inserted {
                if seen.count > Self.maxCandidates { break outer }
                let relevance = score(plan, view(Int(slot)), resolver)
                guard relevance > 0 else { continue }
                let member = slotMember[Int(slot)]
                if let current = best[member], current.relevance > relevance
                    || (current.relevance == relevance && slotTopicID[Int(current.slot)] < slotTopicID[Int(slot)]) {
                    continue
                }
                best[member] = (slot, relevance)
            }
        }
        let hits = best.map { member, hit in
            MatchHit(member: members[Int(member)], topicID: slotTopicID[Int(hit.slot)], topic: text(Int(hit.slot)),
                     relevance: hit.relevance)
        }
        return Array(hits.sorted {
            $0.relevance != $1.relevance ? $0.relevance > $1.relevance : $0.member < $1.member
        }.prefix(limit))
    }

    /// Relevance of one topic text for a query, 0 when it does not match; same scoring as
    /// `search` (aliases and the directory's word weights included). Used for standing
    /// requests and `admin members TOPIC`.
    public func relevance(query: String, topic: String) -> Double {
        var resolver = TermResolver(index: self)
        guard let plan = plan(query, &resolver) else { return 0 }
        let view = TopicView(analysis: TopicAnalysis(topic), resolver: &resolver)
        return score(plan, view, resolver)
    }

    func view(_ slot: Int) -> TopicView {
        let w = Int(slotWordStart[slot]), c = Int(slotCompoundStart[slot])
        return TopicView(stems: wordStems[w..<(w + Int(slotWordCount[slot]))],
                         surfaces: wordSurfaces[w..<(w + Int(slotWordCount[slot]))],
                         compoundKeys: compoundKeys[c..<(c + Int(slotCompoundCount[slot]))],
                         compoundFirst: compoundFirst[c..<(c + Int(slotCompoundCount[slot]))])
    }

    /// Stems of topics within `limit` edits of `word`, compared with stems and with surface
    /// forms, from the vocabulary of nearby lengths. A term whose letter set differs in more
    /// than 2 × limit letters cannot be that close.
    func nearTerms(_ word: String, limit: Int) -> [Int32] {
        guard limit > 0 else { return [] }
        let n = word.count, mask = Self.letters(word)
        var found: [Int32] = []
        var query = Array(word.utf8)
        query.withUnsafeBufferPointer { q in
            for length in max(1, n - limit)...(n + limit) {
                for term in typoTerms[length] ?? [] {
                    let stem = postings[Int(term)].isEmpty ? surfaceStem[Int(term)] : term
                    guard stem >= 0, !postings[Int(stem)].isEmpty,
                          (termLetters[Int(term)] ^ mask).nonzeroBitCount <= 2 * limit else { continue }
                    var candidate = terms[Int(term)]
                    let close = candidate.withUTF8 { EditDistance.within(bytes: q, $0, limit: limit) } != nil
                    if close, !found.contains(stem) { found.append(stem) }
                }
            }
        }
        return found
    }
}

/// A topic as scoring sees it: term IDs in the index's vocabulary (or a resolver's own).
struct TopicView {
    var stems: ArraySlice<Int32>
    var surfaces: ArraySlice<Int32>
    var compoundKeys: ArraySlice<Int32>
    var compoundFirst: ArraySlice<UInt8>

    init(stems: ArraySlice<Int32>, surfaces: ArraySlice<Int32>, compoundKeys: ArraySlice<Int32>, compoundFirst: ArraySlice<UInt8>) {
        self.stems = stems
        self.surfaces = surfaces
        self.compoundKeys = compoundKeys
        self.compoundFirst = compoundFirst
    }

    init(analysis: TopicAnalysis, resolver: inout TermResolver) {
        stems = ArraySlice(analysis.words.map { resolver.id($0.stem) })
        surfaces = ArraySlice(analysis.words.map { resolver.id($0.surface) })
        let compounds = analysis.compounds.sorted { $0.value.first < $1.value.first }
        compoundKeys = ArraySlice(compounds.map { resolver.id($0.key) })
        compoundFirst = ArraySlice(compounds.map { UInt8(min($0.value.first, 254)) })
    }
}

/// Term IDs for a query: the index's own, and negative ones for words it does not know,
/// so nothing a query says is added to the vocabulary.
struct TermResolver {
    let index: MatchIndex
    var local: [String: Int32] = [:]
    var localTerms: [String] = []

    init(index: MatchIndex) {
        self.index = index
    }

    mutating func id(_ term: String) -> Int32 {
        if let id = index.termIDs[term] { return id }
        if let id = local[term] { return id }
        localTerms.append(term)
        let id = -Int32(localTerms.count)
        local[term] = id
        return id
    }

    func string(_ id: Int32) -> String {
        id >= 0 ? index.terms[Int(id)] : localTerms[Int(-id) - 1]
    }

    /// Topics carrying the term (none for a term the index does not know).
    func postingCount(_ id: Int32) -> Int {
        id >= 0 ? index.postings[Int(id)].count : 0
    }
}
