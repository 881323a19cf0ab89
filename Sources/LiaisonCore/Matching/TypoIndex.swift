/// The typo-tolerant vocabulary lookup: terms by their deletion neighbourhood (symmetric
/// delete). Two words are within k edits (Damerau, optimal string alignment) only if
/// deleting at most k letters from each gives the same string, so a lookup hashes the
/// query's deletes and finds exactly the terms that may be close, without scanning the
/// vocabulary. Candidates can be false (hash collisions, or deletes that agree while the
/// words are further apart): the caller checks each with the real distance.
///
/// Compact: one open-addressing table of 4-byte entries (a 10-bit fingerprint and the
/// term's vocabulary id), about 25 per word. Words are listed at once and put in the
/// table by `prepare` before a lookup: after a bulk load, in one pass. A removed word's
/// entries become tombstones (most are emptied at once) before its id is reused. The table
/// is rebuilt only when live entries and tombstones fill it, and then sized with room to
/// spare, so a rebuild comes after O(size) changes (O(1) amortised), never once per change.
struct TypoIndex {
    /// Per vocabulary id: whether the term is in the index (listed or in the table).
    private var indexed: [Bool] = []
    private var words = 0
    /// Terms added since the last `prepare`, not in the table yet.
    private var pending: [Int32] = []
    private var table: [UInt32] = []   // 0: empty; else fingerprint << 22 | (term id + 1)
    private var used = 0
    private var tombstones = 0

    /// Terms with an id beyond this get no typo tolerance (the entry's 22 bits). Ids of
    /// removed terms are reused, so this bounds the vocabulary in use, not ever seen.
    static let maxTerms = (1 << 22) - 2
    /// No live entry has all 22 id bits set (ids stop below that).
    private static let tombstone: UInt32 = 0x3F_FFFF
    /// Live entries plus tombstones may fill the table to this share before a rebuild...
    private static let maxLoad = 0.75
    /// ...which sizes it for this share of live entries, leaving room for the next changes:
    /// at a million topics, some 30,000 new words before the next rebuild, for 7% more
    /// memory than a table built full.
    private static let rebuildLoad = 0.7
    /// 16 KB: a small directory (a new bot, the tests) takes a few long words without a rebuild.
    private static let minCapacity = 4_096

    /// Words in the index.
    var count: Int { words }
    /// Live entries in the table, and its capacity (for tests and the benchmark).
    var entryCount: Int { used }
    var capacity: Int { table.count }
    /// How many times the table was built, the first time included.
    private(set) var rebuilds = 0

    /// Letters a term's side deletes. A query of n letters allows `EditDistance.allowance(n)`
    /// edits (2 from 8 letters, else 1) and differs in length by at most that, so only terms
    /// of 8 letters or more can need two deletes of their own.
    static func depth(forLength n: Int) -> Int { n >= 8 ? 2 : 1 }

    func contains(_ term: Int32) -> Bool {
        term >= 0 && Int(term) < indexed.count && indexed[Int(term)]
    }

    /// Lists `term` for the next `prepare` (nothing when its id is beyond `maxTerms`).
    mutating func add(_ term: Int32) {
        guard term >= 0, Int(term) < Self.maxTerms, !contains(term) else { return }
        if Int(term) >= indexed.count {
            indexed.append(contentsOf: repeatElement(false, count: Int(term) + 1 - indexed.count))
        }
        indexed[Int(term)] = true
        words += 1
        pending.append(term)
    }

    /// Takes `term` (whose text is `word`) out of the index, before its id is reused.
    mutating func remove(_ term: Int32, word: String, _ vocabulary: Vocabulary) {
        guard contains(term) else { return }
        prepare(vocabulary)   // its entries must be in the table to be found
        let scalars = word.unicodeScalars.map(\.value)
        let target = UInt32(term + 1)
        Self.forEachDelete(scalars, depth: Self.depth(forLength: scalars.count)) { hash in
            let entry = (UInt32(truncatingIfNeeded: hash) & 0x3FF) << 22 | target
            // The whole run: an equal entry may sit anywhere in it.
            var i = slot(hash)
            while table[i] != 0 {
                if table[i] == entry {
                    table[i] = Self.tombstone
                    used -= 1
                    tombstones += 1
                    clearTombstones(endingAt: i)
                }
                i = i + 1 == table.count ? 0 : i + 1
            }
        }
        indexed[Int(term)] = false
        words -= 1
    }

    /// A tombstone just before an empty cell ends every probe that reaches it exactly as the
    /// empty cell does, so it can be emptied, and so can the tombstones before it: most
    /// removals leave no tombstone at moderate load, and rebuilds stay rare.
    private mutating func clearTombstones(endingAt i: Int) {
        let next = i + 1 == table.count ? 0 : i + 1
        guard table[next] == 0 else { return }
        var j = i
        while table[j] == Self.tombstone {
            table[j] = 0
            tombstones -= 1
            j = j == 0 ? table.count - 1 : j - 1
        }
    }

    /// Puts the words added since the last call in the table; when they do not fit, builds
    /// a new table for every word, with room for more, in one pass.
    mutating func prepare(_ vocabulary: Vocabulary) {
        guard !pending.isEmpty else { return }
        let adding = pending.filter { contains($0) }
        pending.removeAll()
        let added = adding.map { vocabulary[$0].unicodeScalars.map(\.value) }
        var extra = 0
        for word in added { extra += Self.deleteCount(word.count) }
        if Double(used + tombstones + extra) > Double(table.count) * Self.maxLoad {
            let fresh = Set(adding)
            var total = extra
            var old: [(word: [UInt32], term: Int)] = []
            for term in indexed.indices where indexed[term] && !fresh.contains(Int32(term)) {
                let word = vocabulary[Int32(term)].unicodeScalars.map(\.value)
                total += Self.deleteCount(word.count)
                old.append((word, term))
            }
            table = [UInt32](repeating: 0, count: max(Self.minCapacity, Int(Double(total) / Self.rebuildLoad) + 1))
            rebuilds += 1
            used = 0
            tombstones = 0
            for (word, term) in old { insertDeletes(word, term) }
        }
        for (term, word) in zip(adding, added) { insertDeletes(word, Int(term)) }
    }

    private static func deleteCount(_ n: Int) -> Int {
        depth(forLength: n) == 2 ? 1 + n + n * (n - 1) / 2 : 1 + n
    }

    private mutating func insertDeletes(_ word: [UInt32], _ term: Int) {
        Self.forEachDelete(word, depth: Self.depth(forLength: word.count)) { hash in
            let entry = (UInt32(truncatingIfNeeded: hash) & 0x3FF) << 22 | UInt32(term + 1)
            var i = slot(hash)
            var reusable = -1
            while table[i] != 0 {
                if table[i] == entry { return }
                if reusable < 0, table[i] == Self.tombstone { reusable = i }
                i = i + 1 == table.count ? 0 : i + 1
            }
            if reusable >= 0 {
                table[reusable] = entry
                tombstones -= 1
            } else {
                table[i] = entry
            }
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
                if entry != Self.tombstone, entry & 0xFFC0_0000 == fingerprint {
                    let term = Int32(entry & 0x3F_FFFF) - 1
                    if contains(term) { body(term) }
                }
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
