import Foundation
import Testing
@testable import LiaisonCore
import LiaisonTestSupport

/// Matching with WordNet (issue 12): related words, two-word nouns, bodily tasks, real words
/// and typos, definitions; and the lexicon's lemma table.
@Suite struct LexicalMatchingTests {
    /// One member per topic, named by the topic.
    static func index(_ topics: [String]) -> MatchIndex {
        let index = MatchIndex()
        for (i, topic) in topics.enumerated() {
            index.insert(topicID: Int64(i + 1), member: Identity(network: "t", id: topic), text: topic)
        }
        return index
    }

    /// A request keeping a word of its own is not carried by one related word alone (issue 12).
    @Test func oneRelatedWordDoesNotCarryARequestWithAWordOfItsOwn() throws {
        try #require(Lexicon.system != nil, "WordNet is installed in the test image")
        let index = Self.index(["nursing", "gardening", "bicycle repair"])
        #expect(index.search("cat care").isEmpty)
        #expect(index.search("goat farming").isEmpty)
        // Two related words still carry it.
        #expect(index.search("fix a bike chain").first?.member.id == "bicycle repair")
    }

    /// Two words that WordNet lists as a thing of their own are met together or not at all,
    /// on either side; a two-word noun that is a kind of its last word is not one (issue 12).
    @Test func aCollocationIsNotItsParts() throws {
        try #require(Lexicon.system != nil, "WordNet is installed in the test image")
        let index = Self.index(["tennis", "guitar", "rock climbing", "table tennis"])
        #expect(index.search("table tennis").map(\.member.id) == ["table tennis"])
        #expect(index.search("pen pals").isEmpty)
        // The other way round: "tennis" is not "table tennis".
        #expect(index.search("tennis").map(\.member.id) == ["tennis"])
        // An acoustic guitar is a guitar; rock climbing is a climb.
        #expect(index.search("acoustic guitar").first?.member.id == "guitar")
        #expect(index.search("climbing").first?.member.id == "rock climbing")
        #expect(index.search("tenis").first?.member.id == "tennis")
    }

    /// The lexicon's lemma table: every text interned gets one id for good, through the table's
    /// growth, and finds it again; an unknown text finds nothing.
    @Test func lemmaTableKeepsEveryTextAndItsId() {
        var table = LemmaTable()
        var rng = SplitMix64(seed: 12)
        var ids: [String: Int32] = [:]
        for i in 0..<20_000 {
            let text = i % 7 == 0 ? "caf\u{E9}\(i)" : String((0..<(1 + Int(rng.next() % 12))).map { _ in Character(UnicodeScalar(UInt8(97 + rng.next() % 26))) })
            let id = table.intern(text)
            if let known = ids[text] { #expect(id == known) } else { ids[text] = id }
        }
        #expect(table.count == ids.count)
        for (text, id) in ids {
            #expect(table[text] == id)
            #expect(table[Int(id)] == text)
        }
        #expect(table["not a lemma"] == nil && table[""] == nil)
    }

    /// A two-word noun that WordNet defines without its first word is named by that word,
    /// not about it: rock music is "a genre of popular music originating in the 1950s" and a
    /// video game "a game played against a computer". Its first word alone does not meet it,
    /// on either side, nor does that word relate apart ("rock" to a calculus, a stone). One
    /// defined by its first word is about it: a sewing machine is "for sewing" (issue 12).
    @Test func aNamedKindIsNotItsFirstWord() throws {
        try #require(Lexicon.system != nil, "WordNet is installed in the test image")
        #expect(Lexicon.system?.collocation("video", "games") == .named)
        #expect(Lexicon.system?.collocation("rock", "music") == .named)
        #expect(Lexicon.system?.collocation("sewing", "machines") == .kind)
        #expect(Lexicon.system?.collocation("table", "tennis") == .opaque)
        let index = Self.index(["rock", "video", "calculus", "rock music", "sewing", "coffee", "salt"])
        // Rock salt is no kind of salt either (opaque): nobody, and no calculus through "rock".
        #expect(index.search("rock salt").isEmpty)
        #expect(index.search("video games").isEmpty)
        #expect(index.search("music").first?.member.id == "rock music")
        #expect(!index.search("rock").map(\.member.id).contains("rock music"))
        #expect(index.search("sewing machine").first?.member.id == "sewing")
        #expect(index.search("coffee mill").first?.member.id == "coffee")
        #expect(index.search("video").first?.member.id == "video")
    }

    /// A real word is never a typo of another real word, compared as typed or as stems:
    /// "astrology" stems to "astrologi" and "astronomy" to "astronomi", one substitution
    /// apart, and neither stem is a word (issue 12). A member's misspelling is still found.
    @Test func aRealWordIsNoTypoOfAnotherEvenByItsStem() throws {
        try #require(Lexicon.system != nil, "WordNet is installed in the test image")
        let index = Self.index(["astronomy", "drones", "banking", "photograpy"])
        #expect(index.search("astrology").isEmpty)
        #expect(index.search("drowning").isEmpty)
        #expect(index.search("baking").isEmpty)
        #expect(index.relevance(query: "astrology", topic: "astronomy") == 0)
        // Typos of them still find them, and a real word finds a member's misspelling.
        #expect(index.search("astronmy").first?.member.id == "astronomy")
        #expect(index.search("photography").first?.member.id == "photograpy")
    }

    /// A bodily task done to a thing asks for someone to do it: "piano moving" is for movers,
    /// "car washing" for a car wash, not for whoever lists the thing. Playing or tuning one
    /// is still about it (issue 12).
    @Test func aBodilyTaskIsNotKnowingTheThingItIsDoneTo() throws {
        try #require(Lexicon.system != nil, "WordNet is installed in the test image")
        let index = Self.index(["piano", "cars", "dogs", "python"])
        #expect(index.search("piano moving").isEmpty)
        #expect(index.search("moving a piano").isEmpty)
        #expect(index.search("car washing").isEmpty)
        #expect(index.search("dog walking").isEmpty)
        #expect(index.search("piano tuning").first?.member.id == "piano")
        #expect(index.search("piano playing").first?.member.id == "piano")
        #expect(index.search("python scripting").first?.member.id == "python")
        #expect(index.search("dog training").first?.member.id == "dogs")
    }

    /// WordNet's definitions relate a word both ways, but alone they must meet the whole
    /// topic, and only through real senses and common nouns (issue 12).
    @Test func definitionsRelateWordsOnlyWhenTheyMeetTheWholeTopic() throws {
        try #require(Lexicon.system != nil, "WordNet is installed in the test image")
        let index = Self.index(["pottery", "real estate", "statistics", "marathon training", "japanese", "dog training"])
        // "the art of making and decorating pottery"
        #expect(index.search("ceramics").first?.member.id == "pottery")
        // "a real estate agent who is a member of the National Association of Realtors"
        #expect(index.search("realtor").first?.member.id == "real estate")
        // statistics is "a branch of applied mathematics"
        #expect(index.search("mathematics").first?.member.id == "statistics")
        // "the art of training falcons" meets half of "marathon training"
        #expect(index.search("falconry").isEmpty)
        // "a Japanese form of wrestling": a capitalised word says where it comes from
        #expect(index.search("sumo").isEmpty)
        // "education, training, breeding" is a sense of breeding never seen in tagged texts
        #expect(index.search("dog breeding").isEmpty)
    }
}
