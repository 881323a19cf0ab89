import Foundation

#if os(Linux)
/// glibc's malloc_trim (malloc.h, which the Glibc module leaves out).
@_silgen_name("malloc_trim") private func mallocTrim(_ pad: Int) -> Int32
#endif

/// What matching knows of English words, from WordNet 3.0 (Debian's `wordnet-base`, data
/// under /usr/share/wordnet): which words are real (a real word is never taken for a typo),
/// and which words are related to a word (synonyms, derivations, broader and narrower
/// terms, and the compounds it starts: "bee" -> "beekeeping").
///
/// Only single-word lemmas are kept, interned once; a synset is a range of lemma ids and
/// a range of related synsets, so the whole of WordNet is a few flat arrays (a few MB).
/// Multi-word lemmas are skipped while reading; of a noun's gloss, its definition's content
/// words are kept (as lemma ids, both ways: what a synset is defined by, and which synsets a
/// lemma defines).
public final class Lexicon: @unchecked Sendable {
    /// How a related word is related; expansions score by it (see `MatchIndex+Scoring`).
    public enum Relation: UInt8, Sendable {
        case synonym, derivation, narrower, broader, compound
        /// A word of its definition: "ceramics" is "the art of making and decorating pottery".
        case definedBy
        /// A word whose definition uses it: statistics is "a branch of applied mathematics".
        case defines
    }

    /// Lemma text -> id.
    var lemmaIDs: [String: Int32] = [:]
    var lemmas: [String] = []
    /// Per lemma: its synsets, most frequent sense first (flat, with offsets).
    var senseStart: [Int32] = [0]
    var senses: [Int32] = []
    /// Per synset: its lemmas, its related synsets (each with its relation) and whether it is a noun.
    var memberStart: [Int32] = [0]
    var synsetMembers: [Int32] = []
    var linkStart: [Int32] = [0]
    var links: [Int32] = []
    var linkKinds: [Relation] = []
    /// The first synset id of each part of speech after nouns (verbs start at `partStart[1]`).
    var partStart: [Int32] = []
    /// Compound lemmas a lemma starts ("bee" -> "beekeeping", "beehive"): both halves real words.
    var compounds: [Int32: [Int32]] = [:]
    /// Inflected forms listed in WordNet's exception files ("geese" -> "goose").
    var exceptions: [String: String] = [:]
    /// Per lemma, a bit per part of speech in which it has several senses and none was seen
    /// in WordNet's tagged texts: the order of its senses says nothing, so which sense is
    /// meant is unknown ("grooming" is listed first as training, then as dressing).
    var unrankedParts: [Int32: UInt8] = [:]
    /// Per lemma, a bit per part of speech whose second sense was never seen in the tagged
    /// texts: a rare sense, which relates nothing ("breeding" is also "education, training").
    var untaggedSecondParts: [Int32: UInt8] = [:]
    /// A broader term with more kinds than this is a category, not a topic: "lunch" is a
    /// meal, and meal has breakfast, brunch, supper, picnic and a dozen more.
    static let maxKindsOfBroader = 8
    /// Per noun synset: the lemmas its definition uses (the gloss before its examples, less
    /// what is in parentheses and stop words), flat with offsets.
    var glossStart: [Int32] = [0]
    var glossWords: [Int32] = []
    /// Per lemma: the noun synsets whose definition uses it (the reverse of the above).
    var definesStart: [Int32] = [0]
    var defines: [Int32] = []
    /// A lemma more definitions use than this is a word definitions are made of ("person",
    /// "act", "used"), not a topic: it relates to nothing through definitions.
    static let maxDefinitionsUsing = 300

    /// The lexicon at `LIAISON_WORDNET` or /usr/share/wordnet, read once, waiting for the
    /// read (tests and tools); nil when WordNet is not installed. The bot does not wait:
    /// see `loadInBackground` and `loaded`.
    public static let system: Lexicon? = {
        let start = Date()
        let lexicon = Lexicon(directory: URL(fileURLWithPath: systemDirectory))
        #if os(Linux)
        // The read's scratch (the files, the fields of each line) is freed by now; give it
        // back to the system rather than keep it in the idle bot's resident set.
        _ = mallocTrim(0)
        #endif
        LexiconLoad.shared.finish(lexicon, seconds: Date().timeIntervalSince(start))
        return lexicon
    }()

    /// Where the system lexicon is read from.
    public static var systemDirectory: String {
        ProcessInfo.processInfo.environment["LIAISON_WORDNET"] ?? "/usr/share/wordnet"
    }

    /// Reads WordNet's index.* and data.* files; nil when they are missing or unreadable.
    public init?(directory: URL) {
        let parts = ["noun", "verb", "adj", "adv"]
        var offsets: [[Int: Int32]] = []
        var dataFiles: [Data] = []
        for part in parts {
            guard let data = try? Data(contentsOf: directory.appendingPathComponent("data.\(part)")) else { return nil }
            dataFiles.append(data)
            partStart.append(Int32(memberStart.count - 1))
            offsets.append(Self.readSynsetOffsets(data, into: self))
        }
        for (p, part) in parts.enumerated() {
            guard let index = try? Data(contentsOf: directory.appendingPathComponent("index.\(part)")) else { return nil }
            readIndex(index, synsetOf: offsets[p], part: p)
        }
        for (p, data) in dataFiles.enumerated() { readLinks(data, offsets: offsets, part: p) }
        for part in parts {
            if let exc = try? String(contentsOf: directory.appendingPathComponent("\(part == "adj" ? "adj" : part).exc"), encoding: .utf8) {
                for line in exc.split(separator: "\n") {
                    let f = line.split(separator: " ")
                    if f.count >= 2, !f[0].contains("_") { exceptions[String(f[0])] = String(f[1]) }
                }
            }
        }
        findCompounds()
        indexDefinitions()
    }

    private func lemmaID(_ text: String) -> Int32 {
        if let id = lemmaIDs[text] { return id }
        let id = Int32(lemmas.count)
        lemmas.append(text)
        lemmaIDs[text] = id
        return id
    }

    /// Pass 1 over a data file: every synset's byte offset -> its id; its single-word lemmas.
    private static func readSynsetOffsets(_ data: Data, into lexicon: Lexicon) -> [Int: Int32] {
        var map: [Int: Int32] = [:]
        Self.forEachEntry(data, maxFields: 64) { fields in
            if fields.count > 4, let offset = Int(fields[0]), let count = Int(fields[3], radix: 16) {
                map[offset] = Int32(lexicon.memberStart.count - 1)
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

    /// index.*: lemma -> synsets in frequency order (at most the first four senses per part of speech).
    private func readIndex(_ data: Data, synsetOf: [Int: Int32], part: Int) {
        var pending: [Int32: [Int32]] = [:]
        Self.forEachEntry(data, maxFields: 200) { f in
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
    }

    /// Pass 2 over a data file: each synset's relations (derivation, hypernym, hyponym).
    private func readLinks(_ data: Data, offsets: [[Int: Int32]], part: Int) {
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
    private func indexDefinitions() {
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

    private func definition(_ synset: Int32) -> ArraySlice<Int32> {
        guard Int(synset) + 1 < glossStart.count else { return [] }
        return glossWords[Int(glossStart[Int(synset)])..<Int(glossStart[Int(synset) + 1])]
    }

    /// The noun synsets whose definition uses a lemma; none for a lemma more than
    /// `maxDefinitionsUsing` definitions use.
    private func definitionsUsing(_ id: Int32) -> ArraySlice<Int32> {
        guard Int(id) + 1 < definesStart.count else { return [] }
        let range = Int(definesStart[Int(id)])..<Int(definesStart[Int(id) + 1])
        return range.count <= Self.maxDefinitionsUsing ? defines[range] : []
    }

    private func isDefinitionWord(_ id: Int32) -> Bool {
        Int(id) + 1 < definesStart.count && definesStart[Int(id) + 1] - definesStart[Int(id)] <= Int32(Self.maxDefinitionsUsing)
    }

    /// "beekeeping" = "bee" + "keeping": a compound of two real words of 3+ letters each.
    private func findCompounds() {
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

    private func hasSenses(_ id: Int32) -> Bool {
        Int(id) + 1 < senseStart.count && senseStart[Int(id) + 1] > senseStart[Int(id)]
    }

    private func synsets(of id: Int32) -> ArraySlice<Int32> {
        guard Int(id) + 1 < senseStart.count else { return [] }
        return senses[Int(senseStart[Int(id)])..<Int(senseStart[Int(id) + 1])]
    }

    private func members(_ synset: Int32) -> ArraySlice<Int32> {
        synsetMembers[Int(memberStart[Int(synset)])..<Int(memberStart[Int(synset) + 1])]
    }

    /// The lemmas `word` (folded, lower case) is a form of: itself when WordNet lists it, and
    /// the base forms its inflection rules give ("bees" -> "bee", "jogging" -> "jog").
    public func baseForms(_ word: String) -> [String] {
        var out: [String] = []
        func add(_ w: String) {
            if let id = lemmaIDs[w], hasSenses(id), !out.contains(w) { out.append(w) }
        }
        add(word)
        if let base = exceptions[word] { add(base) }
        let rules: [(String, String)] = [
            ("ies", "y"), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"),
            ("es", "e"), ("es", ""), ("s", ""), ("ied", "y"), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", ""),
            ("er", ""), ("er", "e"), ("est", ""), ("est", "e"),
        ]
        for (suffix, replacement) in rules where word.count > suffix.count + 1 && word.hasSuffix(suffix) {
            let stem = String(word.dropLast(suffix.count))
            add(stem + replacement)
            // "jogging" -> "jogg" -> "jog"
            if replacement.isEmpty, let last = stem.last, stem.count > 2, stem.dropLast().last == last {
                add(String(stem.dropLast()))
            }
        }
        return out
    }

    /// A real English word (or a form of one), so not a typo of another word.
    public func isWord(_ word: String) -> Bool { !baseForms(word).isEmpty }

    /// Words related to `word`, each with its closest relation; the word's own forms excluded.
    public func related(_ word: String) -> [(word: String, relation: Relation)] {
        var best: [Int32: Relation] = [:]
        // A word WordNet lists as it is relates through itself, not through what its ending
        // would strip to: "grooming" is not "groom" (to train), "lager" not "lag".
        let bases = lemmaIDs[word].map(hasSenses) == true ? [word] : baseForms(word)
        let own = Set(bases.compactMap { lemmaIDs[$0] })
        func add(_ id: Int32, _ r: Relation) {
            guard !own.contains(id) else { return }
            if let known = best[id], known.rawValue <= r.rawValue { return }
            best[id] = r
        }
        for base in bases {
            guard let id = lemmaIDs[base] else { continue }
            // The first senses of each part of speech only: rare senses relate rare things
            // ("cat" is also a tractor).
            // A word whose senses are unranked relates to nothing in that part of speech:
            // "dog grooming" is not "dog training"; a second sense never seen in WordNet's tagged
            // texts relates nothing either. Broader terms count from the first
            // sense only, and only when they are no category (`maxKindsOfBroader`).
            var seenOfPart = [0, 0, 0, 0]
            let unranked = unrankedParts[id] ?? 0
            for synset in synsets(of: id) {
                let part = partStart.lastIndex(where: { $0 <= synset }) ?? 0
                seenOfPart[part] += 1
                guard seenOfPart[part] <= 2, unranked & (1 << UInt8(part)) == 0 else { continue }
                if seenOfPart[part] == 2, (untaggedSecondParts[id] ?? 0) & (1 << UInt8(part)) != 0 { continue }
                for m in members(synset) { add(m, .synonym) }
                if part == 0 {
                    for w in definition(synset) where isDefinitionWord(w) { add(w, .definedBy) }
                }
                for k in Int(linkStart[Int(synset)])..<Int(linkStart[Int(synset) + 1]) {
                    let kind = linkKinds[k]
                    switch kind {
                    case .derivation: break
                    case .narrower: guard seenOfPart[part] == 1 else { continue }
                    case .broader: guard seenOfPart[part] == 1, kinds(of: links[k]) <= Self.maxKindsOfBroader else { continue }
                    default: continue
                    }
                    for m in members(links[k]) { add(m, kind) }
                }
            }
            for c in compounds[id] ?? [] { add(c, .compound) }
            // Nouns whose definition uses the word, by a sense they are first known for.
            for synset in definitionsUsing(id) {
                for m in members(synset) where (unrankedParts[m] ?? 0) & 1 == 0 && synsets(of: m).prefix(2).contains(synset) {
                    add(m, .defines)
                }
            }
        }
        return best.map { (lemmas[Int($0.key)], $0.value) }.sorted { $0.relation.rawValue < $1.relation.rawValue || ($0.relation == $1.relation && $0.word < $1.word) }
    }

    /// How many narrower terms a synset has.
    private func kinds(of synset: Int32) -> Int {
        (Int(linkStart[Int(synset)])..<Int(linkStart[Int(synset) + 1])).reduce(0) { $0 + (linkKinds[$1] == .narrower ? 1 : 0) }
    }

    /// A noun for a person ("nurses", "beekeepers"): one of its first senses has `person` among
    /// its broader terms.
    public func isPerson(_ word: String) -> Bool {
        guard partStart.count == 4, let person = personSynset else { return false }
        for base in baseForms(word) {
            guard let id = lemmaIDs[base] else { continue }
            for s in synsets(of: id).prefix(2) where s < partStart[1] {
                var frontier = [s], seen = Set<Int32>()
                for _ in 0..<12 where !frontier.isEmpty {
                    var next: [Int32] = []
                    for f in frontier where seen.insert(f).inserted {
                        if f == person { return true }
                        for k in Int(linkStart[Int(f)])..<Int(linkStart[Int(f) + 1]) where linkKinds[k] == .broader {
                            next.append(links[k])
                        }
                    }
                    frontier = next
                }
            }
        }
        return false
    }

    /// The first sense of "person".
    private var personSynset: Int32? {
        lemmaIDs["person"].flatMap { synsets(of: $0).first }
    }

    /// Only a verb ("configure", "fix"): in "configure nginx" it says what to do, not what about.
    public func isOnlyVerb(_ word: String) -> Bool {
        guard partStart.count == 4 else { return false }
        var verb = false
        for base in baseForms(word) {
            guard let id = lemmaIDs[base] else { continue }
            for s in synsets(of: id) {
                if s >= partStart[1] && s < partStart[2] { verb = true } else { return false }
            }
        }
        return verb
    }

    /// Lemmas known.
    public var count: Int { lemmaIDs.count }
}
