public import Foundation

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
    /// How a two-word noun's words relate to it.
    public enum CollocationKind: UInt8, Sendable {
        /// A kind of its last word, and about its first: "sewing machine" is "a textile
        /// machine used as a home appliance for sewing", "dog food" "food prepared for dogs".
        case kind
        /// A kind of its last word that no definition of it says its first word for: the first
        /// names it ("rock music" is "a genre of popular music originating in the 1950s", "video
        /// game" "a game played against a computer"). Its first word alone is not it.
        case named
        /// No kind of its last word: a thing of its own ("table tennis", "pen pal"). Neither
        /// word alone is it.
        case opaque
    }

    /// How a related word is related; expansions score by it (see `MatchIndex+Scoring`).
    public enum Relation: UInt8, Sendable {
        case synonym, derivation, narrower, broader, compound
        /// A word of its definition: "ceramics" is "the art of making and decorating pottery".
        case definedBy
        /// A word whose definition uses it: statistics is "a branch of applied mathematics".
        case defines
    }

    /// Lemma text -> id, and id -> text (`lemmas`, the same table).
    var lemmaIDs = LemmaTable()
    var lemmas: LemmaTable { lemmaIDs }
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
    /// Two-word nouns of WordNet ("table tennis", "rock salt", "sewing machine") by how their
    /// words relate to them, as first << 32 | second lemma id (`findCollocations`).
    var collocations: [UInt64: CollocationKind] = [:]
    /// Verb synsets of bodily motion or contact (WordNet's verb.motion and verb.contact
    /// lexicographer files): "move", "walk", "wash", "mow".
    var bodilyVerbSynsets: Set<Int32> = []
    /// The broader terms that make a person noun an occupation (`isOccupation`): every noun
    /// sense of worker, professional, expert, creator, businessperson, scientist and linguist
    /// (a chain meets "creator" as a maker of things, "linguist" as a speaker of languages,
    /// whichever sense comes first on its own).
    var occupationSynsets: Set<Int32> = []
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
            offsets.append(Self.readSynsetOffsets(data, into: self, verbs: part == "verb"))
        }
        var collocations: [Collocation] = []
        for (p, part) in parts.enumerated() {
            guard let index = try? Data(contentsOf: directory.appendingPathComponent("index.\(part)")) else { return nil }
            collocations += readIndex(index, synsetOf: offsets[p], part: p)
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
        findCollocations(collocations)
        indexDefinitions()
        occupationSynsets = Set(["worker", "professional", "expert", "creator", "businessperson", "scientist", "linguist"]
            .flatMap { lemmaIDs[$0].map { synsets(of: $0).filter { $0 < partStart[1] } } ?? [] })
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

    func hasSenses(_ id: Int32) -> Bool {
        Int(id) + 1 < senseStart.count && senseStart[Int(id) + 1] > senseStart[Int(id)]
    }

    func synsets(of id: Int32) -> ArraySlice<Int32> {
        guard Int(id) + 1 < senseStart.count else { return [] }
        return senses[Int(senseStart[Int(id)])..<Int(senseStart[Int(id) + 1])]
    }

    func members(_ synset: Int32) -> ArraySlice<Int32> {
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
    public func isWord(_ word: String) -> Bool {
        // Most words asked about are lemmas as typed: one lookup, no forms built.
        if let id = lemmaIDs[word], hasSenses(id) { return true }
        return !baseForms(word).isEmpty
    }

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

    /// A noun for a person by their work ("plumber", "nurse", "beekeeper", "translator"): its
    /// first sense has a worker, a professional, an expert, a creator, a businessperson, a
    /// scientist or a linguist among its broader terms. A roommate, a partner or a friend is
    /// a person, but no occupation.
    public func isOccupation(_ word: String) -> Bool {
        guard partStart.count == 4 else { return false }
        for base in baseForms(word) {
            guard let id = lemmaIDs[base], let s = synsets(of: id).first, s < partStart[1] else { continue }
            var frontier = [s], seen = Set<Int32>()
            for _ in 0..<12 where !frontier.isEmpty {
                var next: [Int32] = []
                for f in frontier where seen.insert(f).inserted {
                    if occupationSynsets.contains(f) { return true }
                    for k in Int(linkStart[Int(f)])..<Int(linkStart[Int(f) + 1]) where linkKinds[k] == .broader {
                        next.append(links[k])
                    }
                }
                frontier = next
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

    /// "moving", "walking", "washing", "mowing": the -ing form of a verb whose first sense is
    /// a bodily motion or contact. Beside a thing ("piano moving", "dog walking") it asks for
    /// a task done to the thing, not for knowing it. Verbs of making, changing or playing
    /// ("building", "tuning", "playing", "scripting") are not tasks of that kind.
    public func isPhysicalTask(_ word: String) -> Bool {
        guard partStart.count == 4, word.count > 5, word.hasSuffix("ing") else { return false }
        for base in baseForms(word) where base != word {
            guard let id = lemmaIDs[base], let verb = synsets(of: id).first(where: { $0 >= partStart[1] && $0 < partStart[2] }) else { continue }
            if bodilyVerbSynsets.contains(verb) { return true }
        }
        return false
    }

    /// "table tennis", "pen pals": two words (folded, lower case, the second in any form)
    /// that WordNet lists together as a noun which is no kind of the second word. A topic
    /// that meets one of them only is about something else: "tennis" is not "table tennis".
    public func isCollocation(_ first: String, _ second: String) -> Bool {
        collocation(first, second) == .opaque
    }

    /// How WordNet lists two words (folded, lower case, the second in any form) together as
    /// a noun; nil when it does not.
    public func collocation(_ first: String, _ second: String) -> CollocationKind? {
        guard !collocations.isEmpty, let a = lemmaIDs[first] else { return nil }
        for base in baseForms(second) {
            if let b = lemmaIDs[base], let kind = collocations[UInt64(UInt32(a)) << 32 | UInt64(UInt32(b))] { return kind }
        }
        return nil
    }

    /// Lemmas known.
    public var count: Int { lemmaIDs.count }
}
