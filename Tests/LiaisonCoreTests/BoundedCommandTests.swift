import Foundation
import GRDB
import Testing
@testable import LiaisonCore
@testable import LiaisonStore

/// Issue 11, item 11: commands cost the same whatever the directory holds, and over-long
/// input is bounded where it enters.
@Suite struct BoundedCommandTests {
    /// Counts the SQL statements the store runs while `body` does.
    private final class StatementCounter: @unchecked Sendable {
        var count = 0
    }

    private func statements(_ h: Harness, _ body: () throws -> Void) throws -> Int {
        let counter = StatementCounter()
        try h.store.queue.inDatabase { db in db.trace { _ in counter.count += 1 } }
        defer { try? h.store.queue.inDatabase { db in db.trace(nil) } }
        try body()
        return counter.count
    }

    /// `topics` is open to anyone: its store queries must not grow with the directory.
    @Test func topicsRunsTheSameQueriesForTenOrTwoHundredTopics() throws {
        var counts: [Int] = []
        for size in [10, 200] {
            let h = try Harness()
            try h.store.transaction { tx in
                for i in 0..<size {
                    let id = Identity.console("m\(i)")
                    var person = Person(identity: id, displayName: "m\(i)", firstSeen: h.now)
                    person.optedIn = true
                    try tx.savePerson(person)
                    let text = "subject \(i)"
                    _ = try tx.addTopic(id, text: text, key: TopicText.key(text), analysis: TopicText.analysis(text))
                }
            }
            var reply: [String] = []
            counts.append(try statements(h) { reply = try h.say("zed", "topics") })
            #expect(reply.count == 1)
            #expect(reply.first.map { $0.utf8.count < 800 } == true, "a short reply: \(reply)")
            if size > 25 { #expect(reply.first?.contains("more") == true, "\(reply)") }
        }
        #expect(counts[0] == counts[1], "statements for 10 and 200 topics: \(counts)")
    }

    @Test func topicsCountsOptedInUnbannedMembersPerTopic() throws {
        let h = try Harness()
        try h.member("alice", "Reverse Mortgages, rust")
        try h.member("bob", "reverse mortgage")
        try h.member("carol", "rust")
        try h.say("dave", "expertise add rust")   // not opted in
        try h.say("admin", "admin ban console:carol spam")
        #expect(try h.say("zed", "topics") == ["zed: Topics: reverse mortgages (2), rust (1)."])
    }

    /// The listing is reused between changes, never served stale across one.
    @Test func topicsFollowsAddsRemovalsAndOptingOut() throws {
        let h = try Harness()
        try h.member("alice", "rust")
        #expect(try h.say("zed", "topics") == ["zed: Topics: rust (1)."])
        try h.member("bob", "rust, go")
        #expect(try h.say("zed", "topics") == ["zed: Topics: rust (2), go (1)."])
        try h.say("bob", "expertise remove go")
        #expect(try h.say("zed", "topics") == ["zed: Topics: rust (2)."])
        try h.say("alice", "optout")
        #expect(try h.say("zed", "topics") == ["zed: Topics: rust (1)."])
        try h.say("bob", "forget")
        try h.say("bob", "forget confirm")
        #expect(try h.say("zed", "topics").first?.contains("No topics yet") == true)
        try h.say("alice", "optin")
        #expect(try h.say("zed", "topics") == ["zed: Topics: rust (1)."])
        try h.say("admin", "admin ban console:alice spam")
        h.now = h.now.addingTimeInterval(CommandCatalog.topicsListingTTL)
        #expect(try h.say("zed", "topics").first?.contains("No topics yet") == true, "a ban shows within the TTL")
    }

    @Test func anOverLongAskGetsOneSentenceAndMakesNoRequest() throws {
        let h = try Harness()
        try h.member("alice", "rust")
        let topic = (0..<30).map { _ in "rust" }.joined(separator: " ")   // 149 characters
        #expect(topic.count > TopicText.maxTopicLength)
        let out = try h.say("bob", "ask \(topic)")
        #expect(out.count == 1 && out.first?.contains("characters") == true, "\(out)")
        #expect(try h.say("bob", "requests").first?.contains("no open requests") == true)
        #expect(try h.say("alice", "requests").first?.contains("no open requests") == true, "no offer went out")
    }

    @Test func anOverLongTopicIsRefusedWithOneSentenceAndNothingAdded() throws {
        let h = try Harness()
        try h.say("alice", "optin")
        let long = String(repeating: "ab ", count: 40) + "rust"
        let out = try h.say("alice", "expertise add \(long)")
        #expect(out.count == 1 && out.first?.contains("at most \(TopicText.maxTopicLength) characters") == true, "\(out)")
        let many = (0..<500).map { "subject \($0)" }.joined(separator: ", ")
        let refused = try h.say("alice", "expertise add \(many)")
        #expect(refused.count == 1 && refused.first?.contains("at most") == true, "\(refused)")
        #expect(try h.say("alice", "expertise").first?.contains("no topics") == true)
        #expect(h.broker.index.count == 0)
    }

    /// A question heard in a channel is never argued with: a long one is cut to its first
    /// words, deterministically, and matched (or ignored) like any other.
    @Test func aLongChannelQuestionIsCutNotRefused() throws {
        let h = try Harness()
        try h.member("alice", "rust")
        let line = "who knows about rust \(String(repeating: "y", count: 250))?"
        let out = try h.say("bob", line, in: "#dev")
        #expect(out.to("#dev").allSatisfy { !$0.contains("characters") }, "\(out)")
        #expect(out.to("#dev").count == 1, "answered as a request: \(out)")
        let asked = try h.say("bob", "requests").joined()
        #expect(asked.contains("#1 rust y"), "\(asked)")
        #expect(!asked.contains(String(repeating: "y", count: TopicText.maxTopicLength)), "cut to the bound: \(asked)")
    }
}

/// Linking two identities drops the alias's duplicate topics: the index must drop them too.
@Suite struct LinkIndexTests {
    @Test func aMergeLeavesOneIndexedTopicPerKey() throws {
        let n = try Networks()
        try n.say("libera:alice", "optin")
        try n.say("libera:alice", "expertise add rust, tax law")
        try n.say("mx:@alice:hs", "optin")
        try n.say("mx:@alice:hs", "expertise add go, Tax Law")
        #expect(n.broker.index.count == 4)
        _ = try n.link("libera:alice", "mx:@alice:hs")
        #expect(n.broker.index.count == 3)
        let hits = n.broker.index.search("tax law")
        #expect(hits.map(\.member) == [Identity(network: "libera", id: "alice")], "\(hits)")
    }
}
