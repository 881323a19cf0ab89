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
///
/// Removing a topic frees what it alone used (see `MatchIndex+Removal.swift`): its slot,
/// its postings, the terms no other topic carries (and their typo entries), its member
/// when it was their last topic. Memory follows the topics indexed now, not every topic
/// ever added; a search adds nothing to the index.
public final class MatchIndex {
    /// Every stem, surface form and compound key, interned.
    var vocabulary = Vocabulary()
    /// Per term: the topic slots that carry it (as a stem or compound key).
    var postings: [[Int32]] = []
    /// Stems and surface forms that typos may reach.
    var typo = TypoIndex()
    /// For a surface form, the stem it reduces to (-1: not a surface). A typo defeats the
    /// stemmer ("trqnslation" keeps its suffix), so typos are also compared as typed.
    var surfaceStem: [Int32] = []
    /// Per term: live topic words that have it as their surface form, distinct from the
    /// stem. A term is in use while it has postings or surface uses.
    var surfaceUses: [Int32] = []

    // Members, by a small id; a member whose last topic goes is forgotten and the id reused.
    var memberIDs: [Identity: Int32] = [:]
    var members: [Identity] = []
    var memberTopics: [Int32] = []
    var freeMembers: [Int32] = []

    // Topic slots: structure of arrays. A removed slot is marked dead and reused by the next
    // insert; its words, compounds and text stay in the flat arrays as dead cells until a
    // compaction (when they outnumber the live ones).
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
    var freeSlots: [Int32] = []
    /// Changes with every topic added or removed: what was computed from the directory
    /// (the `topics` listing) is current while it is the same.
    public internal(set) var generation = 0
    /// Cells of `wordStems`/`wordSurfaces`, `compoundKeys`/`compoundFirst` and `textBytes`
    /// that belong to removed topics.
    var deadWords = 0, deadCompounds = 0, deadTextBytes = 0

    /// During a load (`startLoad`): per number its `MemberNumbering` gave, the member's id
    /// here (-1: not looked up yet).
    /// Emptied when a member's id is freed, as it may go to another member.
    var loadMembers: [Int32] = []

    /// Where `insert` reads a stored analysis: token ranges in its bytes, reused.
    private var parsedWords: [(stem: Range<Int>, surface: Range<Int>)] = []
    private var parsedCompounds: [(key: Range<Int>, first: Int)] = []
    /// The terms `insert` posts a topic under, reused (no allocation per topic).
    private var postedTerms: [Int32] = []

    struct Alias {
        var alias: [TopicWord]
        var topic: [TopicWord]
    }

    private(set) var aliases: [Alias] = []
    /// `reach(_:)` of recent queries; it depends on the aliases and the lexicon only.
    var reachCache: [String: QueryReach] = [:]
    /// Counts the changes of what `reach(_:)` depends on (the aliases, the lexicon arriving):
    /// a reach computed earlier holds while this stays the same.
    private(set) var reachGeneration = 0
    /// Per query word (folded): the stems of every word WordNet relates to it. A word's
    /// definitions can relate it to hundreds of words, each stemmed; a standing request's
    /// reach is made of these, and its words recur ("subject", "number").
    var relatedStemCache: [String: [String]] = [:]

    /// Where WordNet comes from: a given lexicon (or none), or the system one once its
    /// background read is done (`Lexicon.loadInBackground`).
    public enum LexiconSource {
        case given(Lexicon?)
        case systemWhenLoaded
        /// Whatever `provider` returns, from the first time it returns a lexicon.
        case arriving(@Sendable () -> Lexicon?)
    }

    let lexiconSource: LexiconSource
    private var lexiconSeen: Lexicon?

    /// WordNet, for real words (never typos) and related words; nil: matching without them
    /// (WordNet missing, or still being read).
    public var lexicon: Lexicon? {
        if let lexiconSeen { return lexiconSeen }
        let arrived: Lexicon?
        switch lexiconSource {
        case .given(let given): return given
        case .systemWhenLoaded: arrived = Lexicon.loaded
        case .arriving(let provider): arrived = provider()
        }
        guard let ready = arrived else { return nil }
        // What was computed without expansion is stale now.
        lexiconSeen = ready
        reachCache.removeAll()
        relatedStemCache.removeAll()
        reachGeneration += 1
        expansionCache.removeAll()
        expansionGeneration = -1
        collocationCache.removeAll()
        return ready
    }
    /// Whether WordNet is still to come: its background read is under way (not done, and
    /// not found missing).
    public var awaitsLexicon: Bool {
        guard lexicon == nil else { return false }
        switch lexiconSource {
        case .given: return false
        case .systemWhenLoaded: return LexiconLoad.shared.outcome == nil
        case .arriving: return true
        }
    }
    /// Per query word (folded): the related terms of this index's vocabulary that topics
    /// carry, with their quality. Reset when the vocabulary changes.
    var expansionCache: [String: [(term: Int32, quality: Double, relation: Lexicon.Relation)]] = [:]
    var expansionGeneration = -1
    /// Per pair of neighbouring topic words (surface ids, first << 32 | second): whether
    /// WordNet lists them as a thing of their own. Reset when the vocabulary changes.
    var collocationCache: [UInt64: Lexicon.CollocationKind?] = [:]
    var collocationGeneration = -1

    public init(lexicon: Lexicon? = Lexicon.system) {
        lexiconSource = .given(lexicon)
        lexiconSeen = lexicon
    }

    public init(lexicon: LexiconSource) {
        lexiconSource = lexicon
        if case .given(let given) = lexicon { lexiconSeen = given }
    }

    /// Topics indexed.
    public var count: Int { liveCount }

    /// The term's id, added to the vocabulary if new. `word`: a stem or surface form, which
    /// typos may reach (not a compound key: scoring never compares those with edits).
    func intern(_ term: UnsafeBufferPointer<UInt8>, word: Bool) -> Int32 {
        let (id, isNew) = vocabulary.intern(term)
        if isNew, Int(id) == postings.count {
            postings.append([])
            surfaceStem.append(-1)
            surfaceUses.append(0)
        }
        if word, !typo.contains(id), Self.isTypoCandidate(term) { typo.add(id) }
        return id
    }

    /// `TopicAnalysis.isTypoCandidate` on bytes, without a String for the common case.
    static func isTypoCandidate(_ term: UnsafeBufferPointer<UInt8>) -> Bool {
        guard term.count >= 4 else { return false }
        if term.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) { return true }
        return term.contains { $0 >= 0x80 } && TopicAnalysis.isTypoCandidate(String(decoding: term, as: UTF8.self))
    }

    func slot(of topicID: Int64) -> Int32? {
        if topicID >= 0, topicID < Int64(slotOfID.count), slotOfID[Int(topicID)] >= 0 { return slotOfID[Int(topicID)] }
        // An id may have gone to the sparse table before the flat array grew past it.
        return sparseSlotOf.isEmpty ? nil : sparseSlotOf[topicID]
    }

    func setSlot(_ slot: Int32, of topicID: Int64) {
        let inFlat = topicID >= 0 && topicID < Int64(slotOfID.count)
        if slot < 0 {
            if inFlat { slotOfID[Int(topicID)] = -1 }
            if !sparseSlotOf.isEmpty { sparseSlotOf[topicID] = nil }
        } else if inFlat {
            slotOfID[Int(topicID)] = slot
        } else if topicID >= 0, topicID < Int64(2 * slotMember.count + 1_024) {
            slotOfID.append(contentsOf: repeatElement(-1, count: Int(topicID) + 1 - slotOfID.count))
            slotOfID[Int(topicID)] = slot
        } else {
            sparseSlotOf[topicID] = slot
        }
    }

    /// Adds a member's topic; re-inserting an id replaces it. `analysis` is the stored form
    /// of `TopicAnalysis.stored` (kept in the state file so start-up need not re-analyse).
    public func insert(topicID: Int64, member: Identity, text: String, analysis stored: String? = nil) {
        insert(topicID: topicID, member: member, memberID: -1, text: text, analysis: stored)
    }

    /// `memberID`: the member's id here when the caller knows it, else -1. Returns the id.
    @discardableResult
    func insert(topicID: Int64, member: Identity, memberID known: Int32, text: String, analysis stored: String?) -> Int32 {
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
        // `known` came from `loadMembers`, which is emptied when removing the topic just now
        // freed an id (this member's last topic, replaced).
        let memberID = known >= 0 && !loadMembers.isEmpty ? known : memberSlot(member)
        let words = min(parsedWords.count, 255), compounds = min(parsedCompounds.count, 255)
        let slot = newSlot(member: memberID, topicID: topicID, words: words, compounds: compounds, textLength: text.utf8.count)
        var keys: [Int32] = []
        swap(&keys, &postedTerms)   // held alone, so it is emptied and refilled in place
        keys.removeAll(keepingCapacity: true)
        defer { swap(&keys, &postedTerms) }
        form.withUTF8 { bytes in
            for word in parsedWords.prefix(words) {
                let stem = intern(UnsafeBufferPointer(rebasing: bytes[word.stem]), word: true)
                wordStems.append(stem)
                let sameForm = bytes[word.surface].elementsEqual(bytes[word.stem])
                let surface = sameForm ? stem : intern(UnsafeBufferPointer(rebasing: bytes[word.surface]), word: true)
                wordSurfaces.append(surface)
                if surface != stem {
                    surfaceStem[Int(surface)] = stem
                    surfaceUses[Int(surface)] += 1
                }
                if !keys.contains(stem) { keys.append(stem) }
            }
            for compound in parsedCompounds.prefix(compounds) {
                let key = intern(UnsafeBufferPointer(rebasing: bytes[compound.key]), word: false)
                compoundKeys.append(key)
                compoundFirst.append(UInt8(min(compound.first, 254)))
                if !keys.contains(key) { keys.append(key) }
            }
        }
        textBytes.append(contentsOf: text.utf8)
        for term in keys { postings[Int(term)].append(slot) }
        setSlot(slot, of: topicID)
        memberTopics[Int(memberID)] += 1
        liveCount += 1
        generation &+= 1
        return memberID
    }

    /// The member's small id, a new (or freed) one when they have no topic indexed.
    private func memberSlot(_ member: Identity) -> Int32 {
        if let known = memberIDs[member] { return known }
        let id: Int32
        if let free = freeMembers.popLast() {
            id = free
            members[Int(id)] = member
            memberTopics[Int(id)] = 0
        } else {
            id = Int32(members.count)
            members.append(member)
            memberTopics.append(0)
        }
        memberIDs[member] = id
        return id
    }

    /// A free slot (a removed topic's) or a new one at the end, for a topic whose words,
    /// compound keys and text go at the ends of their flat arrays. A new slot's fields are
    /// appended as they are: one access to each array, not an append and then a store.
    private func newSlot(member: Int32, topicID: Int64, words: Int, compounds: Int, textLength: Int) -> Int32 {
        let wordStart = Int32(wordStems.count), compoundStart = Int32(compoundKeys.count), textStart = Int32(textBytes.count)
        if let free = freeSlots.popLast() {
            let s = Int(free)
            slotMember[s] = member
            slotTopicID[s] = topicID
            slotAlive[s] = true
            slotWordStart[s] = wordStart
            slotWordCount[s] = UInt8(words)
            slotCompoundStart[s] = compoundStart
            slotCompoundCount[s] = UInt8(compounds)
            slotTextStart[s] = textStart
            slotTextLength[s] = Int32(textLength)
            return free
        }
        slotMember.append(member)
        slotTopicID.append(topicID)
        slotAlive.append(true)
        slotWordStart.append(wordStart)
        slotWordCount.append(UInt8(words))
        slotCompoundStart.append(compoundStart)
        slotCompoundCount.append(UInt8(compounds))
        slotTextStart.append(textStart)
        slotTextLength.append(Int32(textLength))
        return Int32(slotMember.count - 1)
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
        reachGeneration += 1
        self.aliases = aliases.compactMap { pair in
            let alias = TopicText.words(pair.alias), topic = TopicText.words(pair.topic)
            guard !alias.isEmpty, !topic.isEmpty, alias.map(\.stem) != topic.map(\.stem) else { return nil }
            return Alias(alias: alias, topic: topic)
        }
    }
}
