import Foundation

/// The index's interned terms (stems, surface forms, compound keys): their bytes in one
/// buffer, found through an open-addressing table on a byte hash. No Swift String or
/// dictionary entry per term: a directory of a million topics has over half a million terms,
/// and start-up interns several per topic.
struct Vocabulary {
    private var bytes: [UInt8] = []
    /// Term i is bytes[starts[i] ..< starts[i + 1]].
    private var starts: [Int32] = [0]
    /// hash << 32 | id + 1, 0 empty: a probe compares hashes without touching the terms.
    /// A power of two, at most 70% full.
    private var table: [UInt64] = [UInt64](repeating: 0, count: 1_024)

    var count: Int { starts.count - 1 }

    mutating func reserveCapacity(terms: Int, bytes extra: Int) {
        starts.reserveCapacity(count + terms + 1)
        bytes.reserveCapacity(bytes.count + extra)
        var capacity = table.count
        while capacity * 7 < (count + terms) * 10 { capacity *= 2 }
        if capacity > table.count { rehash(capacity) }
    }

    subscript(id: Int32) -> String {
        String(decoding: bytes[Int(starts[Int(id)])..<Int(starts[Int(id) + 1])], as: UTF8.self)
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
        let id = Int32(count)
        bytes.append(contentsOf: term)
        starts.append(Int32(bytes.count))
        place(UInt64(hash) << 32 | UInt64(id + 1))
        return (id, true)
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
        let start = Int(starts[Int(id)]), end = Int(starts[Int(id) + 1])
        guard end - start == term.count else { return false }
        return bytes.withUnsafeBufferPointer { all in
            term.isEmpty || memcmp(all.baseAddress! + start, term.baseAddress!, term.count) == 0
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
