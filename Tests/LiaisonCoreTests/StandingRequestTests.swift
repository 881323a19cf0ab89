import LiaisonStore
import Foundation
import Testing
@testable import LiaisonCore
import LiaisonTestSupport

/// Standing requests (SPEC §3.6) are found through an index of open requests by their
/// words (issue 13), not by reading every open request: the same requests must be offered.
@Suite struct StandingRequestTests {
    init() { _ = Lexicon.system }

    /// A member's new topic reaches the requests that match it, whether they were asked
    /// before or after the index was first built, through typos and aliases added later,
    /// and never an unrelated, cancelled or expired one.
    @Test func newTopicsAreOfferedTheMatchingOpenRequestsOnly() throws {
        let h = try Harness { $0.requestTTL = 10 * 86_400 }
        let rust = try #require(requestID(in: try h.say("bob", "ask rust programming")))
        try h.say("alice", "optin")
        #expect(try h.say("alice", "expertise add gardening").to("alice").mentioning("accept").isEmpty,
                "an unrelated topic is offered nothing")
        // Asked after the index was built.
        let kube = try #require(requestID(in: try h.say("carl", "ask kubernetes networking")))
        let tax = try #require(requestID(in: try h.say("dora", "ask tax law")))
        try h.say("dave", "optin")
        let typo = try h.say("dave", "expertise add kubernetess")
        #expect(typo.to("dave").mentioning("accept \(kube)").count == 1, "a typo of a request's word")
        #expect(typo.to("dave").mentioning("accept \(rust)").isEmpty && typo.to("dave").mentioning("accept \(tax)").isEmpty)
        // An alias added after the index was built counts from then on.
        try h.say("admin", "admin alias container orchestration = kubernetes")
        try h.say("erin", "optin")
        #expect(try h.say("erin", "expertise add container orchestration").to("erin").mentioning("accept \(kube)").count == 1)
        // Cancelled: no longer offered.
        try h.say("carl", "cancel \(kube)")
        try h.say("fay", "optin")
        #expect(try h.say("fay", "expertise add kubernetes").to("fay").mentioning("accept").isEmpty)
        // Expired (its time passed, not yet swept): not offered.
        try h.say("gus", "optin")
        h.now = h.now.addingTimeInterval(11 * 86_400)
        #expect(try h.say("gus", "expertise add tax law").to("gus").mentioning("accept").isEmpty)
    }

    /// WordNet is read in the background, so what is asked at start-up is matched without
    /// related words (issue 12: "carpentry" asked in a channel then never reached the
    /// woodworking member). When it arrives, each open request with no offer pending asks
    /// whom it now finds, and a channel question that found nobody is heard again. Whoever
    /// was asked before is not asked again, a request it still finds nobody for stays quiet.
    @Test func whatWasAskedBeforeWordNetArrivesAsksWhomItThenFinds() throws {
        let wordnet = try #require(Lexicon.system)
        let arrival = LexiconArrival()
        let h = try Harness(lexicon: .arriving { arrival.lexicon })
        try h.member("alice", "woodworking")
        try h.member("dan", "pottery")
        try h.member("fay", "ceramics")
        try h.member("hal", "photography")
        #expect(try h.say("carl", "anyone have experience with carpentry? building a shelf", in: "#home").isEmpty,
                "matched without WordNet, it finds nobody, and a channel question that finds nobody is not answered")
        let pots = try h.say("gus", "ask pottery")
        let potsID = try #require(requestID(in: pots))
        #expect(pots.to("dan").mentioning("accept \(potsID)").count == 1 && pots.to("fay").isEmpty)
        #expect(try h.say("dan", "decline \(potsID)").to("gus").isEmpty)
        let watches = try #require(requestID(in: try h.say("ivy", "ask photos")))
        let nobody = try #require(requestID(in: try h.say("erin", "ask quantum chromodynamics")))
        #expect(try h.say("jo", "who knows about quantum chromodynamics?", in: "#home").isEmpty)
        #expect(try h.say("kim", "who knows about carpentry?", in: "#side").isEmpty)
        try h.say("admin", "admin part #side")
        #expect(h.broker.lexiconArrived(now: h.now) == 0, "nothing changes while WordNet is being read")
        #expect(try h.drain().isEmpty)

        arrival.lexicon = wordnet
        #expect(h.broker.lexiconArrived(now: h.now) == 2)
        let arrived = try h.drain()
        #expect(arrived.to("fay").mentioning("accept \(potsID)").count == 1, "the next member WordNet relates to pottery")
        #expect(arrived.to("dan").isEmpty, "who declined is not asked again")
        #expect(arrived.to("hal").mentioning("accept \(watches)").count == 1)
        let shelf = arrived.to("alice")
        let carpentry = try #require(requestID(in: shelf))
        #expect(carpentry > nobody && shelf.mentioning("accept \(carpentry)").count == 1)
        #expect(shelf.mentioning("You listed: woodworking.").count == 1, "the offer says which topic matched")
        #expect(arrived.to("#home").count == 1 && arrived.to("#home").mentioning("carl").count == 1,
                "the channel hears the answer to carl's question")
        #expect(arrived.to("#side").isEmpty && arrived.to("kim").isEmpty && shelf.count == 1,
                "a question in a channel the bot has left since is not heard again")
        #expect(arrived.to("erin").isEmpty && arrived.to("jo").isEmpty && arrived.to("gus").isEmpty && arrived.to("ivy").isEmpty,
                "requesters hear nothing new; nobody-found stays quiet")
        #expect(arrived.count == 4, "\(arrived)")
        #expect(h.broker.lexiconArrived(now: h.now) == 0, "a second arrival asks nobody twice")
        #expect(try h.drain().isEmpty)
    }

    /// After a restart (a new broker on the same state file), the open requests are found again.
    @Test func openRequestsAreFoundAfterARestart() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("liaison-standing-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("state.db").path
        var id = 0
        do {
            let h = try Harness(path: path)
            id = try #require(requestID(in: try h.say("bob", "ask sourdough baking")))
        }
        let h = try Harness(path: path)
        try h.say("alice", "optin")
        #expect(try h.say("alice", "expertise add sourdough baking").to("alice").mentioning("accept \(id)").count == 1)
    }

    /// The index gives every open request `mayMatch` lets through, for every labelled query
    /// asked as a request against the directory's topics and typos of the queries, as the
    /// requests, the aliases and the index itself change.
    @Test func theIndexMissesNoRequestThatMayMatch() throws {
        let directory = try QualityTests.load("matching-directory.json", as: QualityTests.Directory.self)
        let queries = try QualityTests.load("matching-queries.json", as: [QualityTests.Query].self).map(\.query)
        let h = try Harness()
        let broker = h.broker
        func ask(_ topics: ArraySlice<String>, from start: Int) throws {
            try h.store.transaction { tx in
                for (i, topic) in topics.enumerated() {
                    _ = try tx.createRequest(Request(id: 0, requester: .console("q\(start + i)"), topic: topic,
                                                     key: TopicText.key(topic), originalText: topic, channel: nil,
                                                     status: .open, createdAt: h.now, expiresAt: h.now.addingTimeInterval(86_400)))
                }
            }
        }
        /// A typo: the longest word of the text with its second letter dropped.
        func typo(_ text: String) -> String {
            let words = text.split(separator: " ").map(String.init)
            guard let longest = words.max(by: { $0.count < $1.count }), longest.count >= 5 else { return text }
            var letters = Array(longest)
            letters.remove(at: 1)
            return words.map { $0 == longest ? String(letters) : $0 }.joined(separator: " ")
        }
        let topics = directory.entries.enumerated().filter { $0.offset % 25 == 0 }.map(\.element.topic)
            + queries.enumerated().filter { $0.offset % 6 == 0 }.map { typo($0.element) }
        var expected = 0
        func check() throws {
            try h.store.transaction { tx in
                let open = try tx.requests(status: .open)
                for topic in topics {
                    let analysis = TopicAnalysis(topic)
                    let found = try broker.standingRequests(matching: [analysis], tx: tx, now: h.now)
                    #expect(found.map(\.id) == found.map(\.id).sorted())
                    #expect(found.allSatisfy { $0.status == .open && $0.expiresAt > h.now })
                    let ids = Set(found.map(\.id))
                    for request in open where broker.index.mayMatch(query: request.topic, topic: analysis) {
                        expected += 1
                        #expect(ids.contains(request.id), "\(request.topic) / \(topic)")
                    }
                }
            }
        }
        try ask(queries.prefix(200), from: 0)
        try check()
        // More requests after the index was built; some cancelled; aliases set.
        try ask(queries.dropFirst(200), from: 200)
        try h.store.transaction { tx in
            for var request in try tx.requests(status: .open) where request.id % 5 == 0 {
                request.status = .cancelled
                try tx.saveRequest(request)
            }
        }
        broker.index.setAliases(directory.aliases.map { (alias: $0.alias, topic: $0.topic) })
        try check()
        print("standing index: \(topics.count) topics, \(expected) request/topic pairs that may match")
        #expect(expected > 1_000)
    }
}

/// A lexicon handed over later, as the background read of WordNet does.
final class LexiconArrival: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Lexicon?
    var lexicon: Lexicon? {
        get { lock.lock(); defer { lock.unlock() }; return value }
        set { lock.lock(); value = newValue; lock.unlock() }
    }
}
