/// Damerau-Levenshtein distance (optimal string alignment: a swap of two neighbouring
/// letters counts as one edit), for typo tolerance.
enum EditDistance {
    /// The distance between `a` and `b` when it is at most `limit`, else nil. Stops early
    /// once a whole row exceeds the limit, so scanning a vocabulary stays cheap.
    static func within(_ a: String, _ b: String, limit: Int) -> Int? {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        guard abs(x.count - y.count) <= limit else { return nil }
        if x.isEmpty || y.isEmpty { return max(x.count, y.count) <= limit ? max(x.count, y.count) : nil }
        var before = [Int](repeating: 0, count: y.count + 1)  // row i-2
        var previous = Array(0...y.count)                     // row i-1
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            var rowMin = current[0]
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                var d = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    d = min(d, before[j - 2] + 1)
                }
                current[j] = d
                rowMin = min(rowMin, d)
            }
            if rowMin > limit { return nil }
            (before, previous, current) = (previous, current, before)
        }
        let d = previous[y.count]
        return d <= limit ? d : nil
    }

    /// Edits allowed for a term of this length: none below 4 letters, one for 4-7, two for 8+.
    static func allowance(forLength n: Int) -> Int {
        n >= 8 ? 2 : (n >= 4 ? 1 : 0)
    }
}
