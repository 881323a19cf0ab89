import LiaisonStore
import Foundation
import Testing
@testable import LiaisonCore
import LiaisonTestSupport

/// A small directory where "law" is common (four law topics of sixteen) and "rust" is not.
private func directory() -> MatchIndex {
    let index = MatchIndex()
    let topics: [(String, String)] = [
        ("alice", "reverse mortgages"), ("bob", "tax law"), ("carol", "family law"),
        ("dave", "patent law"), ("erin", "employment law"), ("frank", "Rust"),
        ("grace", "Rust async"), ("heidi", "cybersecurity"), ("ivan", "cyber security"),
        ("judy", "investment banking"), ("ken", "Café culture"), ("leo", "HECM loans"),
        ("mia", "Python"), ("nick", "REST APIs"), ("olga", "kubernetes"), ("pat", "Python web frameworks"),
    ]
    for (i, (name, topic)) in topics.enumerated() {
        index.insert(topicID: Int64(i + 1), member: .console(name), text: topic)
    }
    return index
}

private func names(_ hits: [MatchHit]) -> [String] { hits.map(\.member.id) }

@Suite struct TopicTextTests {
    @Test func foldsCaseAndAccents() {
        #expect(TopicText.terms("Café") == TopicText.terms("cafe"))
        #expect(TopicText.terms("STRASSE") == TopicText.terms("Straße"))
        #expect(TopicText.terms("naïve Ångström") == TopicText.terms("naive angstrom"))
    }

    @Test func dropsStopWordsAndSplitsOnPunctuation() {
        #expect(TopicText.terms("about the stuff in tax-law, for my things") == TopicText.terms("tax law"))
        #expect(TopicText.terms("the") == [])
        #expect(TopicText.terms("what is it") == [])
        #expect(TopicText.terms("!!!") == [])
    }

    @Test func stemsWordForms() {
        let mortgage = TopicText.terms("mortgage")
        #expect(TopicText.terms("mortgages") == mortgage)
        #expect(TopicText.terms("mortgaging") == mortgage)
        let invest = TopicText.terms("invest")
        #expect(TopicText.terms("investing") == invest)
        #expect(TopicText.terms("investment") == invest)
        #expect(TopicText.terms("security") == TopicText.terms("secure"))
        #expect(TopicText.terms("programming") == TopicText.terms("programmer"))
        #expect(TopicText.terms("communities") == TopicText.terms("community"))
        #expect(TopicText.terms("embedded") == TopicText.terms("embed"))
        // short words are left alone so they do not collide
        #expect(TopicText.terms("legal") != TopicText.terms("leg"))
    }

    @Test func keyIgnoresOrderCaseAndForm() {
        #expect(TopicText.key("Reverse Mortgages") == TopicText.key("mortgage, reverse"))
        #expect(TopicText.key("Reverse Mortgages") == "mortgag revers")
        #expect(TopicText.key("the") == "")
        #expect(TopicText.key("rust rust") == TopicText.key("Rust"))
    }

    @Test func keepsTechnicalSpellingsAndAcronyms() {
        #expect(TopicText.terms("C++") == ["cpp"])
        #expect(TopicText.terms("C# and F#") == ["csharp", "fsharp"])
        #expect(TopicText.terms(".NET") == ["dotnet"])
        #expect(TopicText.terms("IT security").first == "it")
        #expect(TopicText.terms("IT") == ["it"])
        #expect(TopicText.terms("US tax law").first == "us")
        #expect(TopicText.terms("who knows it") == [])
        #expect(TopicText.terms("WHO KNOWS IT") == [])
        #expect(TopicText.terms("ABOUT") == [])
    }
}

@Suite struct MatchIndexTests {
    @Test func caseAccentsAndWordForms() {
        let index = directory()
        #expect(names(index.search("CAFE")) == ["ken"])
        #expect(names(index.search("mortgage")) == ["alice"])
        #expect(names(index.search("investing")) == ["judy"])
        #expect(names(index.search("invest")) == ["judy"])
    }

    @Test func wordOrderAndStopWords() {
        let index = directory()
        let hits = index.search("mortgage reverse")
        #expect(names(hits) == ["alice"])
        #expect(names(index.search("about the reverse mortgages")) == ["alice"])
    }

    @Test func partialQueryCoverage() {
        let index = directory()
        // the whole query inside a longer topic
        #expect(names(index.search("mortgages")) == ["alice"])
        // a rare word carries the query; the fuller topic ranks first
        let rust = index.search("rust async")
        #expect(names(rust) == ["grace", "frank"])
        #expect(rust[0].relevance > rust[1].relevance)
        // a common word does not: no tax lawyer for a criminal-law question
        #expect(index.search("criminal law").isEmpty)
        #expect(index.relevance(query: "criminal law", topic: "tax law") == 0)
        #expect(names(index.search("law")) == ["bob", "carol", "dave", "erin"])
    }

    @Test func queriesThatMatchNothing() {
        let index = directory()
        #expect(index.search("what time is it").isEmpty)
        #expect(index.search("the").isEmpty)
        #expect(index.search("").isEmpty)
        #expect(index.search("gardening").isEmpty)
    }

    @Test func compoundsBothWays() {
        let index = directory()
        #expect(Set(names(index.search("cybersecurity"))) == ["heidi", "ivan"])
        #expect(Set(names(index.search("cyber security"))) == ["heidi", "ivan"])
        // the form as typed ranks first
        #expect(index.search("cyber security").first?.member.id == "ivan")
        #expect(index.search("cybersecurity").first?.member.id == "heidi")
        #expect(MatchIndex().relevance(query: "cyber security", topic: "Cybersecurity") > 0)
    }

    @Test func typos() {
        let index = directory()
        #expect(names(index.search("mortages")) == ["alice"])
        #expect(names(index.search("Pyhton")) == ["mia", "pat"])  // transposition: one edit
        #expect(names(index.search("pyton")) == ["mia", "pat"])
        // a word that some topic has is not typo-matched: "rust" is not "rest"
        #expect(names(index.search("rust")) == ["frank", "grace"])
        // three-letter words get no tolerance
        #expect(index.search("lqw").isEmpty)
        #expect(index.search("mortgages")[0].relevance > index.search("mortages")[0].relevance)
    }

    @Test func typoToleranceAgainstTheIndexVocabulary() {
        // a member who misspelled their topic is found while nobody spells it right
        let index = MatchIndex()
        index.insert(topicID: 1, member: .console("a"), text: "reverse mortages")
        #expect(names(index.search("mortgages")) == ["a"])
    }

    @Test func aliasesBothWays() {
        let index = directory()
        #expect(names(index.search("HECM")) == ["leo"])
        index.setAliases([(alias: "HECM", topic: "reverse mortgage")])
        #expect(Set(names(index.search("HECM"))) == ["leo", "alice"])
        #expect(Set(names(index.search("reverse mortgages"))) == ["alice", "leo"])
        #expect(index.search("HECM").first?.member.id == "leo")
        #expect(index.relevance(query: "reverse mortgage", topic: "HECM") > 0)
        // replacing the set drops the old aliases
        index.setAliases([])
        #expect(names(index.search("HECM")) == ["leo"])
    }

    @Test func relevanceOrderingAndRange() {
        let index = directory()
        #expect(index.relevance(query: "rust", topic: "Rust") == 1)
        let exact = index.relevance(query: "mortgages", topic: "mortgages")
        let stem = index.relevance(query: "mortgage", topic: "mortgages")
        let longer = index.relevance(query: "mortgages", topic: "reverse mortgages")
        let typo = index.relevance(query: "mortages", topic: "mortgages")
        #expect(exact == 1)
        #expect(stem < exact && stem > 0)
        #expect(longer < exact && longer > 0.5)
        #expect(typo < stem && typo > 0)
        #expect(index.relevance(query: "gardening", topic: "Rust") == 0)
    }

    @Test func oneHitPerMemberWithTheBestTopic() {
        let index = MatchIndex()
        let a = Identity.console("a"), b = Identity.console("b")
        index.insert(topicID: 1, member: a, text: "Rust")
        index.insert(topicID: 2, member: a, text: "Rust async")
        index.insert(topicID: 3, member: b, text: "Rust embedded")
        index.insert(topicID: 4, member: b, text: "gardening")
        let hits = index.search("rust")
        #expect(hits.map(\.member) == [a, b])
        #expect(hits[0].topicID == 1 && hits[0].topic == "Rust" && hits[0].relevance == 1)
        #expect(hits[1].topicID == 3 && hits[1].relevance < 1)
        #expect(index.search("rust async").first?.topicID == 2)
        #expect(names(MatchIndex().search("rust")) == [])
    }

    @Test func equalRelevanceIsOrderedByMember() {
        let index = MatchIndex()
        for (id, name) in [(1, "zoe"), (2, "adam"), (3, "mike")] {
            index.insert(topicID: Int64(id), member: .console(name), text: "Rust")
        }
        #expect(names(index.search("rust")) == ["adam", "mike", "zoe"])
        // A limit keeps the first of that order.
        #expect(names(index.search("rust", limit: 2)) == ["adam", "mike"])
    }

    /// An ask ranks every matching member, not a best few: with 300 members who match as
    /// well, the load spreads to the ones alphabetically last too.
    @Test func anAskRanksEveryMatchingMemberSoTheLoadSpreads() throws {
        let h = try Harness { $0.offersPerRequest = 1 }
        for i in 0..<300 { try h.member(String(format: "m%03d", i), "rust") }
        // Each of the first 299 members has had an offer this week (of carol's request); the
        // last one has had none.
        try h.say("carol", "ask rust")
        let all = h.broker.index.search("rust").map(\.member)
        #expect(all.count == 300)
        try h.store.transaction { tx in
            let offered = Set(try tx.offers(requestID: 1).map(\.expert))
            for member in all.dropLast() where !offered.contains(member) {
                try tx.createOffer(Offer(requestID: 1, expert: member, status: .declined,
                                         createdAt: h.now, expiresAt: h.now.addingTimeInterval(3600)))
            }
        }
        let out = try h.say("bob", "ask rust")
        #expect(out.first?.contains("300 members") == true, "\(out.first ?? "")")
        #expect(!out.to("m299").isEmpty, "the least-loaded member, last by name, is asked: \(out.map { String($0.prefix(60)) })")
    }

    @Test func insertReplacesAndRemoveForgets() {
        let index = MatchIndex()
        let a = Identity.console("a")
        index.insert(topicID: 1, member: a, text: "Rust")
        index.insert(topicID: 1, member: a, text: "Python")
        #expect(index.count == 1)
        #expect(index.search("rust").isEmpty)
        #expect(names(index.search("python")) == ["a"])
        index.remove(topicID: 1)
        #expect(index.count == 0)
        #expect(index.search("python").isEmpty)
        // the removed word leaves the vocabulary: no typo match on it either
        #expect(index.search("pyton").isEmpty)
        index.remove(topicID: 42)  // unknown id: nothing happens
    }

    @Test func typosReachWordsAddedAtAnyTime() {
        // Start-up: a bulk load, then the typo table is built in one pass.
        let index = MatchIndex()
        index.reserveCapacity(2)
        index.insert(topicID: 1, member: .console("a"), text: "reverse mortgages")
        index.prepare()
        #expect(names(index.search("mortages")) == ["a"])
        // A word added later is in reach at once ...
        index.insert(topicID: 2, member: .console("b"), text: "kubernetes operators")
        #expect(names(index.search("kubernets")) == ["b"])
        // ... and after thousands more words grew the table, early and late words still are.
        for i in 0..<3_000 {
            index.insert(topicID: Int64(10 + i), member: .console("m\(i % 50)"), text: "word\(String(i, radix: 26).map { Character(UnicodeScalar(UInt8(97 + (Int(String($0), radix: 26) ?? 0)))) })zeta")
        }
        #expect(names(index.search("mortages")) == ["a"])
        #expect(names(index.search("kubernets")) == ["b"])
        #expect(names(index.search("reverse mortgaegs")) == ["a"])  // transposition, two words
    }

    @Test func topicIDsFarApartAndNegativeStillMapToTheirTopics() {
        let index = MatchIndex()
        let ids: [Int64] = [1, 5_000_000_000, -7, 3]
        for (i, id) in ids.enumerated() { index.insert(topicID: id, member: .console("m\(i)"), text: "topic\(i) rust") }
        #expect(Set(index.search("rust").map(\.topicID)) == Set(ids))
        index.remove(topicID: 5_000_000_000)
        index.remove(topicID: -7)
        #expect(Set(index.search("rust").map(\.topicID)) == [1, 3])
        index.insert(topicID: 3, member: .console("m3"), text: "python")
        #expect(index.search("rust").map(\.topicID) == [1])
        #expect(index.count == 2)
    }

    @Test func removeAllOfOneMember() {
        let index = directory()
        index.insert(topicID: 100, member: .console("bob"), text: "Rust")
        #expect(Set(names(index.search("rust"))) == ["frank", "grace", "bob"])
        index.removeAll(member: .console("bob"))
        #expect(names(index.search("rust")) == ["frank", "grace"])
        #expect(index.search("tax").isEmpty)
        #expect(index.count == 15)
    }
}

/// The analysis kept in the state file gives the same matches as analysing the text again.
@Suite struct StoredAnalysisTests {
    @Test func storedAnalysisRoundTripsAndMatchesTheSame() {
        let topics = ["Reverse Mortgages", "cyber security", "Crème brûlée", "k8s networking", "C++ templates", "tax law"]
        let fresh = MatchIndex(), stored = MatchIndex()
        for (i, topic) in topics.enumerated() {
            fresh.insert(topicID: Int64(i), member: Identity(network: "t", id: "m\(i)"), text: topic)
            stored.insert(topicID: Int64(i), member: Identity(network: "t", id: "m\(i)"), text: topic,
                          analysis: TopicText.analysis(topic))
        }
        for query in ["mortgage", "cybersecurity", "creme brulee", "networking k8s", "templates", "law", "nothing here"] {
            #expect(fresh.search(query) == stored.search(query), "\(query)")
        }
        #expect(stored.count == topics.count)
    }

    @Test func aBrokenStoredAnalysisFallsBackToTheText() {
        let index = MatchIndex()
        index.insert(topicID: 1, member: Identity(network: "t", id: "a"), text: "reverse mortgages", analysis: "garbage")
        #expect(index.search("mortgages").count == 1)
    }

    /// Until WordNet is read the index matches without it, then with it (issue 12: start-up never waits).
    @Test func anIndexWaitingForWordNetMatchesWithoutItThenWithIt() throws {
        let without = MatchIndex(lexicon: .given(nil))
        without.insert(topicID: 1, member: Identity(network: "t", id: "a"), text: "pottery")
        #expect(without.search("ceramics").isEmpty)
        #expect(without.lexicon == nil)
        try #require(Lexicon.system != nil)
        let waiting = MatchIndex(lexicon: .systemWhenLoaded)
        #expect(waiting.lexicon === Lexicon.loaded)
        #expect(Lexicon.loaded != nil)
    }
}

/// Scoring looks related terms up in a `TermTable`: it must answer like a dictionary.
@Suite struct TermTableTests {
    @Test func answersLikeADictionaryThroughGrowth() {
        var table = TermTable<Double>()
        var reference: [Int32: Double] = [:]
        var rng = SplitMix64(seed: 12)
        for _ in 0..<5_000 {
            let key = Int32(truncatingIfNeeded: rng.next() % 20_000)
            let value = Double(rng.next() % 1_000)
            table[key] = value
            reference[key] = value
        }
        #expect(table.count == reference.count)
        for key in Int32(0)..<20_000 { #expect(table[key] == reference[key]) }
        #expect(Dictionary(uniqueKeysWithValues: table.entries.map { ($0.key, $0.value) }) == reference)
        #expect(TermTable<Double>()[7] == nil)
    }
}
