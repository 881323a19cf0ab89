import Foundation

/// The index's interned terms (stems, surface forms, compound keys): their bytes in one
/// buffer, found through an open-addressing table on a byte hash. No Swift String or
/// dictionary entry per term: a directory of a million topics has over half a million terms,
/// and start-up interns several per topic.
///
/// Terms can be removed (no topic uses them any more): the id is reused by the next new
/// term, the table entry is deleted by backward shift (no tombstones), and the bytes are
/// compacted once the dead ones outweigh the live ones, so the vocabulary's memory follows
/// what the topics use, not everything they ever used.
struct Vocabulary {
    private var bytes: [UInt8] = []
    /// Term i is bytes[spans[i].start ..< spans[i].start + spans[i].length]; a start of -1
    /// marks a free id. Start and length side by side: a probe that compares a term reads
    /// one cell, not two arrays far apart.
    private var spans: [Span] = []
    private struct Span {
        var start: Int32
        var length: Int32
    }
    private var freeIDs: [Int32] = []
    /// Bytes of removed terms still in `bytes`.
    private var deadBytes = 0
    /// hash << 32 | id + 1, 0 empty: a probe compares hashes without touching the terms.
    /// A power of two, at most 70% full.
    private var table: [UInt64] = [UInt64](repeating: 0, count: 1_024)

    /// Terms in the vocabulary.
    var count: Int { spans.count - freeIDs.count }
    /// One more than the largest id in use: the size of arrays indexed by term id.
    var idCapacity: Int { spans.count }
    /// Bytes held for term text, dead ones included (for tests and the benchmark).
    var byteCount: Int { bytes.count }

    mutating func reserveCapacity(terms: Int, bytes extra: Int) {
        spans.reserveCapacity(spans.count + terms)
        bytes.reserveCapacity(bytes.count + extra)
        var capacity = table.count
        while capacity * 7 < (count + terms) * 10 { capacity *= 2 }
        if capacity > table.count { rehash(capacity) }
    }

    subscript(id: Int32) -> String {
        let span = spans[Int(id)], start = Int(span.start)
        return String(decoding: bytes[start..<(start + Int(span.length))], as: UTF8.self)
    }

    func id(of term: String) -> Int32? {
        var term = term
        return term.withUTF8 { find($0, Self.hash($0)) }
    }

    /// The id of the term with these UTF-8 bytes, added if new.
    mutating func intern(_ term: UnsafeBufferPointer<UInt8>) -> (id: Int32, isNew: Bool) {
        let hash = Self.hash(term)
        if let id = find(term, hash) { return (id, false) }
        if (count + 1) * 10 > table.count * 7 { rehash(table.count * 2) }
        let id: Int32
        if let free = freeIDs.popLast() {
            id = free
            spans[Int(id)] = Span(start: Int32(bytes.count), length: Int32(term.count))
        } else {
            id = Int32(spans.count)
            spans.append(Span(start: Int32(bytes.count), length: Int32(term.count)))
        }
        bytes.append(contentsOf: term)
        place(UInt64(hash) << 32 | UInt64(id + 1))
        return (id, true)
    }

    /// Forgets term `id`; the id may be handed out again by `intern`.
    mutating func remove(_ id: Int32) {
        guard id >= 0, Int(id) < spans.count, spans[Int(id)].start >= 0 else { return }
        let start = Int(spans[Int(id)].start), length = Int(spans[Int(id)].length)
        let hash = bytes.withUnsafeBufferPointer { Self.hash(UnsafeBufferPointer(rebasing: $0[start..<(start + length)])) }
        let mask = table.count - 1
        var i = Int(hash) & mask
        let wanted = UInt64(hash) << 32 | UInt64(id + 1)
        while table[i] != wanted {
            if table[i] == 0 { return }   // not in the table: nothing to undo
            i = (i + 1) & mask
        }
        // Backward-shift deletion: pull later entries of the run into the hole when their
        // home is not between the hole and them, so every probe still reaches its entry.
        var hole = i
        var j = (i + 1) & mask
        while table[j] != 0 {
            let home = Int(table[j] >> 32) & mask
            let fromHole = (j - hole) & mask, fromHome = (j - home) & mask
            if fromHome >= fromHole {
                table[hole] = table[j]
                hole = j
            }
            j = (j + 1) & mask
        }
        table[hole] = 0
        spans[Int(id)] = Span(start: -1, length: 0)
        freeIDs.append(id)
        deadBytes += length
        if deadBytes > 4_096, deadBytes * 2 > bytes.count { compact() }
    }

    /// Copies the live terms' bytes into a new buffer: linear, and only after as many bytes
    /// died as live, so removals cost O(1) amortised.
    private mutating func compact() {
        var packed: [UInt8] = []
        packed.reserveCapacity(bytes.count - deadBytes)
        for id in spans.indices where spans[id].start >= 0 {
            let start = Int(spans[id].start)
            spans[id].start = Int32(packed.count)
            packed.append(contentsOf: bytes[start..<(start + Int(spans[id].length))])
        }
        bytes = packed
        deadBytes = 0
    }

    private func find(_ term: UnsafeBufferPointer<UInt8>, _ hash: UInt32) -> Int32? {
        let mask = table.count - 1
        var i = Int(hash) & mask
        while true {
            let entry = table[i]
            if entry == 0 { return nil }
            let id = Int32(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
            if UInt32(entry >> 32) == hash, equal(id, term) { return id }
            i = (i + 1) & mask
        }
    }

    private func equal(_ id: Int32, _ term: UnsafeBufferPointer<UInt8>) -> Bool {
        let span = spans[Int(id)], start = Int(span.start), length = Int(span.length)
        guard length == term.count else { return false }
        return bytes.withUnsafeBufferPointer { all in
            guard let base = all.baseAddress, let other = term.baseAddress else { return true }
            return memcmp(base + start, other, term.count) == 0
        }
    }

    private mutating func place(_ entry: UInt64) {
        let mask = table.count - 1
        var i = Int(entry >> 32) & mask
        while table[i] != 0 { i = (i + 1) & mask }
        table[i] = entry
    }

    private mutating func rehash(_ capacity: Int) {
        let old = table
        table = [UInt64](repeating: 0, count: capacity)
        for entry in old where entry != 0 { place(entry) }
    }

    /// FNV-1a with a final mix (the table uses the low bits).
    static func hash(_ term: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in term { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        h ^= h >> 33
        h &*= 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        return UInt32(truncatingIfNeeded: h)
    }
}
