/// A small map from index terms to values, for lookups in the inner loop of scoring: open
/// addressing with a multiplicative hash, where a `Dictionary` would hash every term with
/// SipHash (a fifth of a search's time at 1M topics, by perf). Built once per query word.
struct TermTable<Value> {
    private var keys: [Int32]
    private var values: [Value?]
    private var shift: UInt32
    private(set) var count = 0

    init() {
        keys = []
        values = []
        shift = 32
    }

    var isEmpty: Bool { count == 0 }

    private func slot(_ key: Int32) -> Int {
        Int((UInt32(bitPattern: key) &* 0x9E37_79B1) >> shift)
    }

    subscript(key: Int32) -> Value? {
        get {
            guard count > 0 else { return nil }
            var i = slot(key)
            let mask = keys.count - 1
            while keys[i] != -1 {
                if keys[i] == key { return values[i] }
                i = (i + 1) & mask
            }
            return nil
        }
        set {
            guard let newValue else { return }  // terms are only ever added
            if (count + 1) * 2 > keys.count { grow() }
            var i = slot(key)
            let mask = keys.count - 1
            while keys[i] != -1, keys[i] != key { i = (i + 1) & mask }
            if keys[i] == -1 { count += 1 }
            keys[i] = key
            values[i] = newValue
        }
    }

    /// Every term and its value, in no particular order.
    var entries: [(key: Int32, value: Value)] {
        zip(keys, values).compactMap { k, v in k == -1 ? nil : v.map { (k, $0) } }
    }

    private mutating func grow() {
        let old = entries
        let capacity = max(8, keys.count * 2)
        keys = Array(repeating: -1, count: capacity)
        values = Array(repeating: nil, count: capacity)
        shift = UInt32(32 - capacity.trailingZeroBitCount)
        count = 0
        for (k, v) in old { self[k] = v }
    }
}
