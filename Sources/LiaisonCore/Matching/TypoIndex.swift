/// The typo-tolerant vocabulary lookup: terms by their deletion neighbourhood (symmetric
/// delete). Two words are within k edits (Damerau, optimal string alignment) only if
/// deleting at most k letters from each gives the same string, so a lookup hashes the
/// query's deletes and finds exactly the terms that may be close, without scanning the
/// vocabulary. Candidates can be false (hash collisions, or deletes that agree while the
/// words are further apart): the caller checks each with the real distance.
///
/// Compact: one open-addressing table of 4-byte entries (a 10-bit fingerprint and the
/// term's position in `terms`), about 25 per word at 75% load. Words are listed at once and
/// put in the table by `prepare` before a lookup: after a bulk load, in one pass. Terms are
/// never removed; a term that no topic carries any more is skipped by the caller.
struct TypoIndex {
    /// Vocabulary ids of the words typos may reach, in the order they were added; those
    /// from `tableHolds` on are not in the table yet.
    private(set) var terms: [Int32] = []
    private var tableHolds = 0
    private var table: [UInt32] = []   // 0: empty; else fingerprint << 22 | (position + 1)
    private var used = 0

    /// Words beyond this many get no typo tolerance (the entry's 22 bits of position).
    static let maxTerms = (1 << 22) - 2

    /// Letters a term's side deletes. A query of n letters allows `EditDistance.allowance(n)`
    /// edits (2 from 8 letters, else 1) and differs in length by at most that, so only terms
    /// of 8 letters or more can need two deletes of their own.
    static func depth(forLength n: Int) -> Int { n >= 8 ? 2 : 1 }

    mutating func add(_ term: Int32) {
        guard terms.count < Self.maxTerms else { return }
        terms.append(term)
    }

    /// Puts the words added since the last call in the table; when they do not fit, builds
    /// a table sized for every word, in one pass.
    mutating func prepare(_ vocabulary: Vocabulary) {
        guard tableHolds < terms.count else { return }
        let words = terms[tableHolds...].map { vocabulary[$0].unicodeScalars.map(\.value) }
        var extra = 0
        for word in words { extra += Self.deleteCount(word.count) }
        if (used + extra) * 4 > table.count * 3 {
            var total = extra
            for term in terms[..<tableHolds] { total += Self.deleteCount(vocabulary[term].unicodeScalars.count) }
            table = [UInt32](repeating: 0, count: max(1_024, total * 4 / 3 + 1))
            used = 0
            for position in 0..<tableHolds { insertDeletes(vocabulary[terms[position]].unicodeScalars.map(\.value), position) }
        }
        for (offset, word) in words.enumerated() { insertDeletes(word, tableHolds + offset) }
        tableHolds = terms.count
    }

    private static func deleteCount(_ n: Int) -> Int {
        depth(forLength: n) == 2 ? 1 + n + n * (n - 1) / 2 : 1 + n
    }

    private mutating func insertDeletes(_ word: [UInt32], _ position: Int) {
        Self.forEachDelete(word, depth: Self.depth(forLength: word.count)) { hash in
            let entry = (UInt32(truncatingIfNeeded: hash) & 0x3FF) << 22 | UInt32(position + 1)
            var i = slot(hash)
            while table[i] != 0 {
                if table[i] == entry { return }
                i = i + 1 == table.count ? 0 : i + 1
            }
            table[i] = entry
            used += 1
        }
    }

    private func slot(_ hash: UInt64) -> Int {
        Int(((hash >> 32) &* UInt64(table.count)) >> 32)
    }

    /// Terms that may be within `limit` edits of `word` (possibly more than once).
    func candidates(_ word: String, limit: Int, _ body: (Int32) -> Void) {
        guard !table.isEmpty else { return }
        Self.forEachDelete(word.unicodeScalars.map(\.value), depth: limit) { hash in
            let fingerprint = (UInt32(truncatingIfNeeded: hash) & 0x3FF) << 22
            var i = slot(hash)
            while table[i] != 0 {
                let entry = table[i]
                if entry & 0xFFC0_0000 == fingerprint { body(terms[Int(entry & 0x3F_FFFF) - 1]) }
                i = i + 1 == table.count ? 0 : i + 1
            }
        }
    }

    /// The hash of `word` and of every string made by deleting 1...depth of its letters.
    /// Duplicates ("aab" minus either "a") are reported more than once.
    static func forEachDelete(_ word: [UInt32], depth: Int, _ body: (UInt64) -> Void) {
        let n = word.count
        body(hash(word, skipping: -1, -1))
        guard depth >= 1 else { return }
        for i in 0..<n {
            body(hash(word, skipping: i, -1))
            guard depth >= 2 else { continue }
            for j in (i + 1)..<max(i + 1, n) { body(hash(word, skipping: i, j)) }
        }
    }

    private static func hash(_ word: [UInt32], skipping a: Int, _ b: Int) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for (k, scalar) in word.enumerated() where k != a && k != b {
            h = (h ^ UInt64(scalar)) &* 0x0000_0100_0000_01B3
        }
        h ^= h >> 33
        h &*= 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        return h
    }
}
