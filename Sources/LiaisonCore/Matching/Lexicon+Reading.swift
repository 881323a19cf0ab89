import Foundation

/// Reading WordNet's files into the lexicon's flat arrays (see `Lexicon.init(directory:)`):
/// pass 1 over each data file gives every synset an id and its lemmas, the index files give
/// each lemma its senses, and pass 2 gives each synset its relations and its definition.
extension Lexicon {
    func lemmaID(_ text: String) -> Int32 {
        lemmaIDs.intern(text)
    }

    /// Pass 1 over a data file: every synset's byte offset -> its id; its single-word lemmas.
    static func readSynsetOffsets(_ data: Data, into lexicon: Lexicon, verbs: Bool) -> [Int: Int32] {
        var map: [Int: Int32] = [:]
        Self.forEachEntry(data, maxFields: 64) { fields in
            if fields.count > 4, let offset = Int(fields[0]), let count = Int(fields[3], radix: 16) {
                map[offset] = Int32(lexicon.memberStart.count - 1)
                // The lexicographer file: 35 verb.contact, 38 verb.motion.
                if verbs, fields[1] == "35" || fields[1] == "38" { lexicon.bodilyVerbSynsets.insert(Int32(lexicon.memberStart.count - 1)) }
                for i in 0..<count where 4 + 2 * i < fields.count {
                    var word = fields[4 + 2 * i].lowercased()
                    if let paren = word.firstIndex(of: "(") { word = String(word[..<paren]) }
                    guard !word.contains("_"), word.allSatisfy({ $0.isLetter }) else { continue }
                    lexicon.synsetMembers.append(lexicon.lemmaID(word))
                }
                lexicon.memberStart.append(Int32(lexicon.synsetMembers.count))
            }
        }
        return map
    }

    /// Every entry line of a WordNet file (the licence lines start with a space), as its
    /// fields up to the gloss.
    static func forEachEntry(_ data: Data, maxFields: Int, _ body: ([String]) -> Void) {
        forEachEntry(data, maxFields: maxFields) { fields, _ in body(fields) }
    }

    /// The same, with the line's gloss (what follows "|"), empty when it has none.
    static func forEachEntry(_ data: Data, maxFields: Int, _ body: ([String], UnsafeBufferPointer<UInt8>) -> Void) {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var lineStart = 0
            while lineStart < bytes.count {
                var end = lineStart
                while end < bytes.count, bytes[end] != 0x0A { end += 1 }
                if bytes[lineStart] != 0x20 {
                    var bar = lineStart
                    while bar < end, bytes[bar] != 0x7C { bar += 1 }
                    let gloss = UnsafeBufferPointer(rebasing: bytes[min(bar + 1, end)..<end])
                    body(fields(bytes, lineStart, end, max: maxFields), gloss)
                }
                lineStart = end + 1
            }
        }
    }

    /// The content words of a gloss's definition: before its first ";" or quoted example,
    /// outside parentheses ("(physics) any of several kinds of apparatus" is not about physics),
    /// ASCII letters folded; stop words, capitalised words and words under 3 letters left out.
    static func definitionWords(_ gloss: UnsafeBufferPointer<UInt8>, _ body: (String) -> Void) {
        var depth = 0, i = 0
        var word: [UInt8] = []
        func flush() {
            if word.count >= 3 {
                let w = String(decoding: word, as: UTF8.self)
                if !StopWords.contains(w) { body(w) }
            }
            word.removeAll(keepingCapacity: true)
        }
        var proper = false
        while i < gloss.count {
            let b = gloss[i]
            if b == 0x3B || b == 0x22 { break }  // ; "
            if b == 0x28 { depth += 1 } else if b == 0x29 { depth = max(0, depth - 1) }
            if depth == 0, (0x61...0x7A).contains(b) || (0x41...0x5A).contains(b) {
                // A capitalised word names a people, place or language ("a Japanese form of
                // wrestling"): where something comes from, not what it is.
                if word.isEmpty { proper = (0x41...0x5A).contains(b) }
                word.append(b | 0x20)
            } else {
                if proper { word.removeAll(keepingCapacity: true) }
                flush()
            }
            i += 1
        }
        if proper { word.removeAll(keepingCapacity: true) }
        flush()
    }

    /// Space-separated fields of a line, up to the gloss ("|"), at most `max`.
    static func fields(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, max: Int) -> [String] {
        var out: [String] = []
        var i = start
        while i < end, out.count < max {
            while i < end, bytes[i] == 0x20 { i += 1 }
            if i >= end || bytes[i] == 0x7C { break }
            let s = i
            while i < end, bytes[i] != 0x20 { i += 1 }
            out.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[s..<i]), as: UTF8.self))
        }
        return out
    }

    /// A two-word noun of index.noun ("table_tennis") with its synsets, judged once the
    /// links are read (`findCollocations`).
    typealias Collocation = (first: Int32, second: Int32, synsets: [Int32])

    /// index.*: lemma -> synsets in frequency order (at most the first four senses per part
    /// of speech). Returns the two-word nouns it met.
    func readIndex(_ data: Data, synsetOf: [Int: Int32], part: Int) -> [Collocation] {
        var pending: [Int32: [Int32]] = [:]
        var collocations: [Collocation] = []
        Self.forEachEntry(data, maxFields: 200) { f in
            if part == 0, f.count > 4, f[0].contains("_"), let n = Int(f[2]), let p = Int(f[3]), f.count >= 6 + p + n {
                let halves = f[0].split(separator: "_")
                if halves.count == 2, halves.allSatisfy({ $0.count >= 2 && $0.allSatisfy(\.isLetter) }),
                   let first = lemmaIDs[String(halves[0])], let second = lemmaIDs[String(halves[1])] {
                    let synsets = f[(6 + p)..<(6 + p + n)].compactMap { Int($0).flatMap { synsetOf[$0] } }
                    collocations.append((first, second, synsets))
                }
            }
            if f.count > 4, !f[0].contains("_"), f[0].allSatisfy({ $0.isLetter }),
               let n = Int(f[2]), let p = Int(f[3]), f.count >= 6 + p + n {
                let id = lemmaID(f[0])
                if n > 1, let tagged = Int(f[5 + p]) {
                    if tagged == 0 { unrankedParts[id, default: 0] |= 1 << UInt8(part) }
                    if tagged < 2 { untaggedSecondParts[id, default: 0] |= 1 << UInt8(part) }
                }
                for offset in f[(6 + p)..<(6 + p + min(n, 4))] {
                    if let o = Int(offset), let s = synsetOf[o] { pending[id, default: []].append(s) }
                }
            }
        }
        // Lemmas keep one flat run of senses; parts of speech are read in turn, so merge.
        var all: [[Int32]] = (0..<lemmas.count).map { i in
            i + 1 < senseStart.count ? Array(senses[Int(senseStart[i])..<Int(senseStart[i + 1])]) : []
        }
        for (id, list) in pending { all[Int(id)] += list }
        senses = all.flatMap { $0 }
        senseStart = [0]
        var total: Int32 = 0
        for list in all {
            total += Int32(list.count)
            senseStart.append(total)
        }
        return collocations
    }

    /// Pass 2 over a data file: each synset's relations (derivation, hypernym, hyponym).
    func readLinks(_ data: Data, offsets: [[Int: Int32]], part: Int) {
        let partIndex: [Character: Int] = ["n": 0, "v": 1, "a": 2, "s": 2, "r": 3]
        var linksOf: [Int32: [(Int32, Relation)]] = [:]
        // A definition's words as lemmas; a word that is no lemma as written is looked up once.
        var lemmaOfWord: [String: Int32] = [:]
        Self.forEachEntry(data, maxFields: 4_000) { f, gloss in
            // Synsets come in id order, so definitions are appended in place, flat.
            if part == 0, f.count > 0, let o = Int(f[0]), let me = offsets[part][o], Int(me) == glossStart.count - 1 {
                let first = glossWords.count
                Self.definitionWords(gloss) { w in
                    let id: Int32
                    if let lemma = lemmaIDs[w], hasSenses(lemma) {
                        id = lemma
                    } else if let known = lemmaOfWord[w] {
                        id = known
                    } else {
                        id = baseForms(w).first.flatMap { lemmaIDs[$0] } ?? -1
                        lemmaOfWord[w] = id
                    }
                    // A noun by its first sense: "agile", "react" describe or do, they are no topic.
                    if id >= 0, synsets(of: id).first.map({ $0 < partStart[1] }) == true,
                       !glossWords[first...].contains(id), !members(me).contains(id) { glossWords.append(id) }
                }
                glossStart.append(Int32(glossWords.count))
            }
            if f.count > 4, let o = Int(f[0]), let me = offsets[part][o], let w = Int(f[3], radix: 16),
               4 + 2 * w < f.count, let pc = Int(f[4 + 2 * w]) {
                var i = 5 + 2 * w
                for _ in 0..<pc where i + 3 < f.count {
                    let kind: Relation?
                    switch f[i] {
                    case "+": kind = .derivation
                    case "@", "@i": kind = .broader
                    case "~", "~i": kind = .narrower
                    default: kind = nil
                    }
                    if let kind, let target = Int(f[i + 1]), let p = f[i + 2].first.flatMap({ partIndex[$0] }),
                       let s = offsets[p][target] {
                        linksOf[me, default: []].append((s, kind))
                    }
                    i += 4
                }
            }
        }
        // Synset ids are global and dense, one run per part of speech read in turn.
        let last = offsets[part].values.max() ?? -1
        while Int32(linkStart.count - 1) <= last {
            for (target, kind) in linksOf[Int32(linkStart.count - 1)] ?? [] {
                links.append(target)
                linkKinds.append(kind)
            }
            linkStart.append(Int32(links.count))
            // Other parts of speech (and any noun read out of order) keep no definition.
            while glossStart.count < linkStart.count { glossStart.append(Int32(glossWords.count)) }
        }
    }

    /// The reverse of the definitions read: per lemma, the noun synsets whose definition uses it.
    func indexDefinitions() {
        var counts = [Int32](repeating: 0, count: lemmas.count + 1)
        for w in glossWords { counts[Int(w) + 1] += 1 }
        for i in 1..<counts.count { counts[i] += counts[i - 1] }
        definesStart = counts
        defines = [Int32](repeating: 0, count: glossWords.count)
        var next = counts
        for synset in 0..<(glossStart.count - 1) {
            for k in Int(glossStart[synset])..<Int(glossStart[synset + 1]) {
                let w = Int(glossWords[k])
                defines[Int(next[w])] = Int32(synset)
                next[w] += 1
            }
        }
    }

    /// Sorts the two-word nouns: no sense of "table tennis" has tennis among its broader terms
    /// (three levels up) or its synonyms, so it names a thing of its own (opaque); "acoustic
    /// guitar" is a guitar, "stock car" a car and "rock climbing" a climb. Of those, one whose
    /// definitions never use its first word (in any form: "climbing rocks", "made by
    /// craftsmen") is named by it rather than about it.
    func findCollocations(_ found: [Collocation]) {
        for (first, second, synsets) in found {
            // "rock climbing" is a climb: the last word in any of its forms.
            let heads = Set([second] + baseForms(lemmas[Int(second)]).compactMap { lemmaIDs[$0] })
            let names = { (synset: Int32) in self.members(synset).contains(where: heads.contains) }
            // "public speaking" is listed with "speaking" itself: no thing of its own.
            var frontier = synsets, seen = Set<Int32>(), kind = synsets.contains(where: names)
            for _ in 0..<3 where !kind && !frontier.isEmpty {
                var next: [Int32] = []
                for s in frontier where seen.insert(s).inserted {
                    for k in Int(linkStart[Int(s)])..<Int(linkStart[Int(s) + 1]) where linkKinds[k] == .broader {
                        if names(links[k]) { kind = true }
                        next.append(links[k])
                    }
                }
                frontier = next
            }
            let key = UInt64(UInt32(first)) << 32 | UInt64(UInt32(second))
            if !kind {
                collocations[key] = .opaque
                continue
            }
            let word = lemmas[Int(first)]
            let about = synsets.contains { synset in
                Int(synset) + 1 < glossStart.count && glossWords[Int(glossStart[Int(synset)])..<Int(glossStart[Int(synset) + 1])]
                    .contains { lemmas[Int($0)].hasPrefix(word) }
            }
            collocations[key] = about ? .kind : .named
        }
    }

    /// "beekeeping" = "bee" + "keeping": a compound of two real words of 3+ letters each.
    func findCompounds() {
        for (id, word) in lemmas.enumerated() where word.count >= 7 && hasSenses(Int32(id)) {
            let chars = Array(word)
            for cut in 3...(chars.count - 3) {
                let head = String(chars[..<cut]), tail = String(chars[cut...])
                // A compound of a doer or a doing ("bee" + "keeping"), not a word that merely
                // starts like another ("rest" + "oration").
                guard tail.count >= 4, ["ing", "er", "ers", "ery"].contains(where: { tail.hasSuffix($0) }) else { continue }
                if let h = lemmaIDs[head], hasSenses(h), let t = lemmaIDs[tail], hasSenses(t) {
                    compounds[h, default: []].append(Int32(id))
                    break
                }
            }
        }
    }
}
