// A bulk load of the index (start-up, a rebuild): room reserved, members numbered on the
// reading thread, the typo table finished once at the end.
extension MatchIndex {
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
        loadMembers = []
    }

    /// Numbers the members of a bulk load on the thread that reads the topics: looking an
    /// identity up (hashing two strings, a probe of a table of every member) is a sixth of
    /// indexing a topic, and at start-up the reading thread has time to spare. A numbering
    /// belongs to one load; `insert(topicID:member:loadNumber:text:analysis:)` takes its
    /// numbers until `prepare`. Used by one thread at a time.
    public final class MemberNumbering: @unchecked Sendable {
        private var numbers: [Identity: Int32] = [:]

        /// The member's number in this load: 0, 1, 2... in order of first appearance.
        public func number(_ member: Identity) -> Int32 {
            if let known = numbers[member] { return known }
            let next = Int32(numbers.count)
            numbers[member] = next
            return next
        }
    }

    /// Indexes every topic of the store and its aliases, as start-up does: the topics are
    /// streamed, and their members numbered on the store's reading thread.
    public func load(from store: any Store) throws {
        reserveCapacity(try store.topicCount())
        let numbering = startLoad()
        try store.forEachTopic(prepare: { numbering.number($0.identity) }) { topic, number in
            insert(topicID: topic.id, member: topic.identity, loadNumber: number, text: topic.text, analysis: topic.analysis)
        }
        setAliases(try store.allAliases().map { ($0.alias, $0.topic) })
        prepare()
    }

    /// An empty index that takes WordNet from where this one does.
    public func emptyCopy() -> MatchIndex {
        MatchIndex(lexicon: lexiconSource)
    }

    /// A load's numbering, for the topics inserted until `prepare`.
    public func startLoad() -> MemberNumbering {
        loadMembers = []
        return MemberNumbering()
    }

    /// `insert`, with the member's number from this load's `MemberNumbering`.
    public func insert(topicID: Int64, member: Identity, loadNumber: Int32, text: String, analysis stored: String? = nil) {
        let n = Int(loadNumber)
        let known = n < loadMembers.count ? loadMembers[n] : -1
        let id = insert(topicID: topicID, member: member, memberID: known, text: text, analysis: stored)
        if n >= loadMembers.count { loadMembers.append(contentsOf: repeatElement(-1, count: n + 1 - loadMembers.count)) }
        loadMembers[n] = id
    }
}
