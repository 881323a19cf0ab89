import Foundation
import Testing
@testable import LiaisonCore
import LiaisonStore

/// Start-up's load of the index from the state file (`MatchIndex.load`), and the rebuild
/// after a failed commit.
@Suite struct IndexLoadTests {
    static let topics = ["beekeeping", "tax law", "sourdough baking", "rust", "kubernetes", "rock climbing",
                         "employment law", "photography", "home brewing", "woodworking", "chess", "nginx"]

    /// The index a member's commands built and the one start-up loads from the same state
    /// file find the same member for every topic.
    @Test func aLoadedIndexFindsWhatTheCommandsIndexed() throws {
        let h = try Harness()
        // Members and topics interleaved, as a state file's ids are.
        for round in 0..<3 {
            for m in 0..<20 {
                let topic = Self.topics[(m + round * 5) % Self.topics.count]
                try h.member("m\(m)", "\(topic) \(m)")
            }
        }
        let loaded = MatchIndex(lexicon: Lexicon.system)
        try loaded.load(from: h.store)
        #expect(loaded.count == h.broker.index.count)
        for m in 0..<20 {
            for round in 0..<3 {
                let query = "\(Self.topics[(m + round * 5) % Self.topics.count]) \(m)"
                let built = h.broker.index.search(query).map(\.member.id)
                #expect(loaded.search(query).map(\.member.id) == built, "\(query)")
                #expect(built.first == "m\(m)", "\(query): \(built)")
            }
        }
    }

    /// Replacing a member's last topic during a load frees their id for the next member; a
    /// later topic of the first member must not be filed under whoever got the id.
    @Test func aLoadKeepsMembersApartWhenAnIdIsFreedAndReused() {
        let index = MatchIndex(lexicon: Lexicon.system)
        let ann = Identity.console("ann"), bob = Identity.console("bob")
        let numbering = index.startLoad()
        index.insert(topicID: 1, member: ann, loadNumber: numbering.number(ann), text: "rust")
        index.insert(topicID: 1, member: bob, loadNumber: numbering.number(bob), text: "chess")
        index.insert(topicID: 2, member: ann, loadNumber: numbering.number(ann), text: "tax law")
        index.prepare()
        #expect(index.search("tax law").map(\.member) == [ann])
        #expect(index.search("chess").map(\.member) == [bob])
        #expect(index.search("rust").isEmpty)
    }

    /// After a commit fails, the bot rebuilds the index from the state file: a topic the
    /// failed batch added to the index is gone, and one it removed is back.
    @Test func aRebuildForgetsWhatAFailedCommitToldTheIndex() throws {
        let h = try Harness()
        try h.member("alice", "beekeeping")
        let alices = try #require(h.broker.index.search("beekeeping").first)
        // What the index was told by a batch whose commit then failed.
        h.broker.index.insert(topicID: 10_000, member: .console("ghost"), text: "sourdough baking")
        h.broker.index.remove(topicID: alices.topicID)
        try h.broker.rebuildIndex()
        #expect(h.broker.index.search("sourdough baking").isEmpty)
        #expect(h.broker.index.search("beekeeping").map(\.member) == [.console("alice")])
        let out = try h.say("bob", "does anyone know about sourdough baking?", in: "#help")
        #expect(out.to("ghost").isEmpty, "\(out)")
    }
}
