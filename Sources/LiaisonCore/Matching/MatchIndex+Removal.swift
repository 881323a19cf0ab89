/// Removing topics, and freeing what only they used: a directory where people keep adding
/// and removing topics (or forgetting themselves) must stay the size of what is listed now.
/// Every step is proportional to the removed topic, except the compactions, which run only
/// after as much was freed as is live (O(1) amortised per removal).
extension MatchIndex {
    /// Whether the topic was indexed.
    @discardableResult
    public func remove(topicID: Int64) -> Bool {
        guard let slot = slot(of: topicID) else { return false }
        setSlot(-1, of: topicID)
        let s = Int(slot)
        slotAlive[s] = false
        liveCount -= 1
        generation &+= 1
        let words = Int(slotWordStart[s])..<(Int(slotWordStart[s]) + Int(slotWordCount[s]))
        let compounds = Int(slotCompoundStart[s])..<(Int(slotCompoundStart[s]) + Int(slotCompoundCount[s]))
        var touched = Set(wordStems[words] + compoundKeys[compounds])
        for term in touched {
            // The newest topics are at the end of a posting list: search from there.
            if let at = postings[Int(term)].lastIndex(of: slot) { postings[Int(term)].remove(at: at) }
        }
        for k in words where wordSurfaces[k] != wordStems[k] {
            let surface = Int(wordSurfaces[k])
            surfaceUses[surface] -= 1
            if surfaceUses[surface] == 0 { surfaceStem[surface] = -1 }
            touched.insert(wordSurfaces[k])
        }
        for term in touched where postings[Int(term)].isEmpty && surfaceUses[Int(term)] == 0 {
            free(term: term)
        }
        deadWords += words.count
        deadCompounds += compounds.count
        deadTextBytes += Int(slotTextLength[s])
        slotWordCount[s] = 0
        slotCompoundCount[s] = 0
        slotTextLength[s] = 0
        freeSlots.append(slot)
        let member = Int(slotMember[s])
        memberTopics[member] -= 1
        if memberTopics[member] == 0 {
            memberIDs[members[member]] = nil
            members[member] = Identity(network: "", id: "")
            freeMembers.append(Int32(member))
            loadMembers = []
        }
        compactIfMostlyDead()
        return true
    }

    /// Removes every topic of `member` (forget, admin remove): a scan of the slots, which
    /// stops once the member's last topic is found.
    public func removeAll(member: Identity) {
        guard let id = memberIDs[member] else { return }
        for slot in slotMember.indices where slotMember[slot] == id && slotAlive[slot] {
            let last = memberTopics[Int(id)] == 1
            remove(topicID: slotTopicID[slot])
            if last { return }
        }
    }

    /// A term no topic uses any more leaves the vocabulary and the typo table.
    private func free(term: Int32) {
        let t = Int(term)
        postings[t] = []
        if typo.contains(term) { typo.remove(term, word: vocabulary[term], vocabulary) }
        surfaceStem[t] = -1
        vocabulary.remove(term)
    }

    /// Copies the live topics' words, compounds and text into fresh arrays once removed
    /// topics hold more cells than live ones. Slots keep their numbers, so postings stay.
    private func compactIfMostlyDead() {
        let floor = 4_096
        let wordsDead = deadWords > floor && deadWords * 2 > wordStems.count
        let compoundsDead = deadCompounds > floor && deadCompounds * 2 > compoundKeys.count
        let textDead = deadTextBytes > floor * 8 && deadTextBytes * 2 > textBytes.count
        guard wordsDead || compoundsDead || textDead else { return }
        var stems: [Int32] = [], surfaces: [Int32] = [], keys: [Int32] = [], firsts: [UInt8] = [], text: [UInt8] = []
        stems.reserveCapacity(wordStems.count - deadWords)
        surfaces.reserveCapacity(wordStems.count - deadWords)
        keys.reserveCapacity(compoundKeys.count - deadCompounds)
        firsts.reserveCapacity(compoundKeys.count - deadCompounds)
        text.reserveCapacity(textBytes.count - deadTextBytes)
        for s in slotAlive.indices where slotAlive[s] {
            let w = Int(slotWordStart[s]), c = Int(slotCompoundStart[s]), t = Int(slotTextStart[s])
            slotWordStart[s] = Int32(stems.count)
            stems.append(contentsOf: wordStems[w..<(w + Int(slotWordCount[s]))])
            surfaces.append(contentsOf: wordSurfaces[w..<(w + Int(slotWordCount[s]))])
            slotCompoundStart[s] = Int32(keys.count)
            keys.append(contentsOf: compoundKeys[c..<(c + Int(slotCompoundCount[s]))])
            firsts.append(contentsOf: compoundFirst[c..<(c + Int(slotCompoundCount[s]))])
            slotTextStart[s] = Int32(text.count)
            text.append(contentsOf: textBytes[t..<(t + Int(slotTextLength[s]))])
        }
        (wordStems, wordSurfaces, compoundKeys, compoundFirst, textBytes) = (stems, surfaces, keys, firsts, text)
        (deadWords, deadCompounds, deadTextBytes) = (0, 0, 0)
    }

    /// What the index holds, to check that it returns to its size after topics come and go.
    struct Footprint: Equatable {
        var terms: Int
        var termIDs: Int
        var vocabularyBytes: Int
        var postings: Int
        var typoWords: Int
        var typoEntries: Int
        var typoCapacity: Int
        var typoRebuilds: Int
        var slots: Int
        var members: Int
        var memberIDs: Int
        var wordCells: Int
        var textBytes: Int
        var sparseIDs: Int
        var cachedQueries: Int
    }

    var footprint: Footprint {
        Footprint(terms: vocabulary.count, termIDs: vocabulary.idCapacity, vocabularyBytes: vocabulary.byteCount,
                  postings: postings.reduce(0) { $0 + $1.count }, typoWords: typo.count, typoEntries: typo.entryCount,
                  typoCapacity: typo.capacity, typoRebuilds: typo.rebuilds, slots: slotMember.count, members: memberIDs.count, memberIDs: members.count,
                  wordCells: wordStems.count, textBytes: textBytes.count, sparseIDs: sparseSlotOf.count,
                  cachedQueries: reachCache.count)
    }
}
