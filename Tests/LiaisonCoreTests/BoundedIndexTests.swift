import Foundation
import Testing
@testable import LiaisonCore
import LiaisonTestSupport

/// Issue 11, item 11: the match index frees what is removed, so memory follows the topics
/// listed now, whatever people add, remove or ask.
@Suite struct BoundedIndexTests {
    /// Ten topics people would list, then `filler` more of made-up words, so the typo
    /// table is larger than what one cycle adds.
    private func directory(filler: Int = 0) -> MatchIndex {
        let index = MatchIndex()
        let topics = ["reverse mortgages", "tax law", "family law", "Rust async", "cyber security", "kubernetes",
                      "investment banking", "Café culture", "Python web frameworks", "translation services"]
        for (i, topic) in topics.enumerated() {
            index.insert(topicID: Int64(i + 1), member: .console("m\(i)"), text: topic)
        }
        let syllables = ["ka", "lo", "mi", "ra", "te", "su", "no", "vi", "de", "po", "ber", "tal", "gon"]
        var rng = SplitMix64(seed: 5)
        for i in 0..<filler {
            let words = (0..<2).map { _ in (0..<4).map { _ in syllables[Int.random(in: 0..<syllables.count, using: &rng)] }.joined() }
            index.insert(topicID: Int64(100 + i), member: .console("f\(i % 50)"), text: words.joined(separator: " "))
        }
        index.prepare()
        return index
    }

    /// Random lower-case words of 20 to 40 letters: new terms every time, with long deletes.
    private func hostileTopic(_ rng: inout SplitMix64) -> String {
        (0..<3).map { _ in
            String((0..<Int.random(in: 16...40, using: &rng)).map { _ in
                Character(UnicodeScalar(UInt8.random(in: 0x61...0x7A, using: &rng)))
            })
        }.joined(separator: " ")
    }

    @Test func addRemoveAndAskCyclesLeaveTheIndexAsItWas() {
        let index = directory(filler: 500)
        var rng = SplitMix64(seed: 11)
        let before = index.footprint
        var afterFirst: MatchIndex.Footprint?
        let cycles = 100
        for cycle in 0..<cycles {
            let topic = hostileTopic(&rng)
            let id = Int64(10_000 + cycle)
            index.insert(topicID: id, member: .console("h\(cycle)"), text: topic)
            #expect(index.search(topic).first?.topicID == id)
            // A typo of the long word, and a query of words nobody lists.
            #expect(!index.search(String(topic.dropFirst())).isEmpty)
            _ = index.search(hostileTopic(&rng))
            index.remove(topicID: id)
            if cycle == 0 { afterFirst = index.footprint }
        }
        let after = index.footprint
        // What is live is exactly as before.
        #expect(after.terms == before.terms)
        #expect(after.postings == before.postings)
        #expect(after.typoWords == before.typoWords)
        #expect(after.typoEntries == before.typoEntries)
        #expect(after.members == before.members)
        #expect(after.sparseIDs == 0)
        // Capacities stop where one cycle put them: ids, slots and the typo table are reused.
        #expect(after.slots == afterFirst?.slots)
        #expect(after.termIDs <= before.termIDs + 10)
        #expect(after.typoCapacity <= (afterFirst?.typoCapacity ?? 0) * 11 / 10, "the typo table grew")
        // Rebuilt now and then (after as many changes as it holds), not for every new word.
        let rebuilds = after.typoRebuilds - (afterFirst?.typoRebuilds ?? 0)
        #expect(rebuilds <= cycles / 10, "the typo table was rebuilt \(rebuilds) times in \(cycles) cycles")
        // Dead cells are compacted away once they outnumber live ones (with a small floor).
        #expect(after.wordCells <= 2 * before.wordCells + 4_096 + 6)
        #expect(after.textBytes <= 2 * before.textBytes + 32_768 + 200)
        #expect(after.vocabularyBytes <= 2 * before.vocabularyBytes + 4_096 + 256)
        // And the directory still matches as before, typos included.
        #expect(index.count == 510)
        #expect(index.search("kubernets").first?.member.id == "m5")
        #expect(index.search("reverse mortgage").first?.member.id == "m0")
        #expect(index.search("cybersecurity").first?.member.id == "m4")
    }

    @Test func aRemovedTopicIsFoundNeitherExactlyNorByATypo() {
        let index = directory()
        index.insert(topicID: 50, member: .console("zed"), text: "glassblowing workshops")
        #expect(index.search("glasblowing").first?.member.id == "zed")
        index.removeAll(member: .console("zed"))
        #expect(index.search("glassblowing").isEmpty)
        #expect(index.search("glasblowing").isEmpty)
        #expect(index.count == 10)
        // The same text comes back under another id and member.
        index.insert(topicID: 51, member: .console("yan"), text: "glassblowing workshops")
        #expect(index.search("glasblowing").first?.member.id == "yan")
    }

    @Test func wordsAreCutToTheirBoundOnBothSides() {
        let long = String(repeating: "abcdefghij", count: 400)   // one 4,000-letter word
        #expect(TopicText.terms(long).first.map { $0.count <= TopicText.maxWordLength } == true)
        let index = directory()
        index.insert(topicID: 60, member: .console("zed"), text: "\(long) appreciation")
        #expect(index.search(long).first?.member.id == "zed")
        #expect(index.search(String(long.prefix(40))).first?.member.id == "zed", "cut the same way")
    }

    @Test func clippingALongRequestIsDeterministicAndAtAWord() {
        let line = (0..<60).map { "word\($0)" }.joined(separator: " ")
        let clipped = TopicText.clipped(line)
        #expect(clipped.count <= TopicText.maxTopicLength)
        #expect(clipped == TopicText.clipped(line))
        #expect(line.hasPrefix(clipped + " "))
        #expect(TopicText.clipped(String(repeating: "x", count: 500)).count == TopicText.maxTopicLength)
        #expect(TopicText.clipped("tax law") == "tax law")
    }
}

/// The vocabulary and typo table under removal, against a plain model.
@Suite struct IndexStructureTests {
    @Test func vocabularyFindsEveryLiveTermAndNoRemovedOne() {
        var vocabulary = Vocabulary()
        var model: [String: Int32] = [:]
        var rng = SplitMix64(seed: 3)
        func intern(_ term: String) -> Int32 {
            var term = term
            return term.withUTF8 { vocabulary.intern($0).id }
        }
        for step in 0..<20_000 {
            let term = "t\(Int.random(in: 0..<3_000, using: &rng))"
            if let id = model[term], Bool.random(using: &rng) {
                vocabulary.remove(id)
                model[term] = nil
            } else {
                let id = intern(term)
                if let known = model[term] { #expect(known == id, "step \(step)") }
                model[term] = id
            }
        }
        #expect(vocabulary.count == model.count)
        #expect(vocabulary.idCapacity <= 3_000)
        for (term, id) in model {
            #expect(vocabulary.id(of: term) == id)
            #expect(vocabulary[id] == term)
        }
        for k in 0..<3_000 where model["t\(k)"] == nil { #expect(vocabulary.id(of: "t\(k)") == nil) }
    }

    @Test func typoTableFindsLiveNeighboursOnlyAndReusesItsRoom() {
        var vocabulary = Vocabulary()
        var typo = TypoIndex()
        var ids: [String: Int32] = [:]
        for word in ["mortgage", "kubernetes", "translation", "glassblowing", "astrophotography", "rusty"] {
            var w = word
            ids[word] = w.withUTF8 { vocabulary.intern($0).id }
            typo.add(ids[word] ?? -1)
        }
        typo.prepare(vocabulary)
        let entries = typo.entryCount, capacity = typo.capacity, rebuilds = typo.rebuilds
        func near(_ word: String) -> Set<String> {
            var found = Set<String>()
            typo.candidates(word, limit: EditDistance.allowance(forLength: word.count)) { term in
                if EditDistance.within(word, vocabulary[term], limit: 2) != nil { found.insert(vocabulary[term]) }
            }
            return found
        }
        #expect(near("kubernets") == ["kubernetes"])
        let id = ids["kubernetes"] ?? -1
        for _ in 0..<200 {
            typo.remove(id, word: "kubernetes", vocabulary)
            #expect(near("kubernets").isEmpty)
            typo.add(id)
            typo.prepare(vocabulary)
            #expect(near("kubernets") == ["kubernetes"])
        }
        #expect(typo.entryCount == entries)
        #expect(typo.capacity == capacity)
        #expect(typo.rebuilds == rebuilds, "removing and adding a word never rebuilds the table")
        #expect(near("glasblowing") == ["glassblowing"])
        #expect(typo.count == 6)
    }
}
