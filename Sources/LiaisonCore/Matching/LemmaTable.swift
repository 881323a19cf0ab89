/// WordNet's lemmas, interned once: their bytes back to back in one buffer, and an open-addressing
/// table of ids to find one by its text. A `[String: Int32]` and a `[String]` of the same
/// 150,000 lemmas cost about 7.5 MB; this costs under 3 MB of the idle bot's resident set.
struct LemmaTable: RandomAccessCollection, Sendable {
    private var bytes: [UInt8] = []
    private var starts: [Int32] = [0]
    /// Lemma ids by hash, -1 for an empty slot; a power of two long, at most 5/8 full.
    private var slots = [Int32](repeating: -1, count: 1 << 10)

    var startIndex: Int { 0 }
    var endIndex: Int { starts.count - 1 }

    /// The text of lemma `id`.
    subscript(id: Int) -> String {
        String(decoding: bytes[Int(starts[id])..<Int(starts[id + 1])], as: UTF8.self)
    }

    /// The id of `text`, nil when it is no lemma.
    subscript(text: String) -> Int32? {
        var text = text
        return text.withUTF8 { find($0).id }
    }

    /// The id of `text`, added when new.
    mutating func intern(_ text: String) -> Int32 {
        var text = text
        return text.withUTF8 { utf8 in
            let (found, slot) = find(utf8)
            if let found { return found }
            let id = Int32(endIndex)
            bytes.append(contentsOf: utf8)
            starts.append(Int32(bytes.count))
            slots[slot] = id
            if endIndex * 8 > slots.count * 5 { grow() }
            return id
        }
    }

    private static func hash(_ utf8: UnsafeBufferPointer<UInt8>) -> Int {
        // FNV-1a, 64 bits.
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    /// The id of `utf8` if present, and the slot it is in or would go to.
    private func find(_ utf8: UnsafeBufferPointer<UInt8>) -> (id: Int32?, slot: Int) {
        let mask = slots.count - 1
        var slot = Self.hash(utf8) & mask
        return bytes.withUnsafeBufferPointer { stored in
            while true {
                let id = slots[slot]
                if id < 0 { return (nil, slot) }
                let start = Int(starts[Int(id)]), end = Int(starts[Int(id) + 1])
                if end - start == utf8.count, sameBytes(stored, start, utf8) { return (id, slot) }
                slot = (slot + 1) & mask
            }
        }
    }

    private func sameBytes(_ stored: UnsafeBufferPointer<UInt8>, _ start: Int, _ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        for i in 0..<utf8.count where stored[start + i] != utf8[i] { return false }
        return true
    }

    private mutating func grow() {
        var larger = [Int32](repeating: -1, count: slots.count * 2)
        let mask = larger.count - 1
        bytes.withUnsafeBufferPointer { stored in
            for id in 0..<endIndex {
                let piece = UnsafeBufferPointer(rebasing: stored[Int(starts[id])..<Int(starts[id + 1])])
                var slot = Self.hash(piece) & mask
                while larger[slot] >= 0 { slot = (slot + 1) & mask }
                larger[slot] = Int32(id)
            }
        }
        slots = larger
    }
}
