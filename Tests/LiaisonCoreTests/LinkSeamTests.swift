import Foundation
import Testing
@testable import LiaisonCore
import LiaisonStore

/// Issue "Promises that hold at every seam", item 7: linking across networks opens no side
/// door. Blocks and bans apply to the member, whichever identity they use, before and after
/// any link or unlink.
@Suite struct LinkSeamTests {
    /// An expert with a topic, opted in.
    func expert(_ n: Networks, _ who: String, _ topic: String = "falconry") throws {
        try n.say(who, "optin")
        try n.say(who, "expertise add \(topic)")
    }

    @Test func aBlockedRequesterCannotEscapeTheBlockByLinkingIntoAFreshIdentity() throws {
        let n = try Networks()
        try expert(n, "libera:alice")
        let asked = try n.say("libera:bob", "ask falconry")
        #expect(asked.contains { $0.hasPrefix("libera:alice: ") && $0.contains("accept 1") })
        try n.say("libera:alice", "block 1")
        try n.say("libera:bob", "cancel 1")
        // A fresh Matrix identity asks for the code, so it becomes the member bob merges into.
        let linked = try n.link("mx:@fresh:hs", "libera:bob")
        #expect(linked.contains { $0.contains("Linked") }, "\(linked)")
        let again = try n.say("mx:@fresh:hs", "ask falconry")
        #expect(!again.contains { $0.hasPrefix("libera:alice: ") }, "the block holds for the member: \(again)")
        let alsoFromIRC = try n.say("libera:bob", "ask falconry hawks")
        #expect(!alsoFromIRC.contains { $0.hasPrefix("libera:alice: ") }, "\(alsoFromIRC)")
        // And it still holds for each identity after they part again.
        try n.say("libera:bob", "unlink libera")
        let afterUnlink = try n.say("libera:bob", "ask falconry")
        #expect(!afterUnlink.contains { $0.hasPrefix("libera:alice: ") }, "\(afterUnlink)")
    }

    @Test func unlinkDoesNotShedABanThatCoveredTheIdentityThroughTheLink() throws {
        let n = try Networks()
        try expert(n, "libera:alice")
        try n.say("libera:bob", "optin")
        _ = try n.link("libera:bob", "mx:@bob:hs")
        try n.say("libera:root", "admin ban libera:bob spam")
        let unlinked = try n.say("mx:@bob:hs", "unlink mx").joined()
        #expect(unlinked.contains("banned"), "\(unlinked)")
        let asked = try n.say("mx:@bob:hs", "ask falconry")
        #expect(!asked.contains { $0.hasPrefix("libera:alice: ") }, "\(asked)")
    }

    @Test func aBanOnALinkedIdentityEndsTheMembersRequestsAndNoIntroductionFollows() throws {
        let n = try Networks()
        try expert(n, "libera:alice")
        try n.say("libera:bob", "optin")
        _ = try n.link("libera:bob", "mx:@bob:hs")
        let asked = try n.say("libera:bob", "ask falconry")
        #expect(asked.contains { $0.hasPrefix("libera:alice: ") && $0.contains("accept 1") })
        let banned = try n.say("libera:root", "admin ban mx:@bob:hs")
        #expect(banned.contains { $0.hasPrefix("libera:alice: ") && $0.contains("withdrawn") }, "\(banned)")
        let accepted = try n.say("libera:alice", "accept 1")
        #expect(!accepted.contains { $0.hasPrefix("libera:bob: ") || $0.hasPrefix("mx:@bob:hs: ") }, "\(accepted)")
        #expect(!accepted.joined().contains("meet"), "\(accepted)")
    }

    @Test func topicsDroppedAsDuplicatesInAMergeLeaveTheIndex() throws {
        let n = try Networks()
        try expert(n, "libera:carol")
        try expert(n, "mx:@carol:hs")
        _ = try n.link("libera:carol", "mx:@carol:hs")
        try n.say("mx:@carol:hs", "unlink mx")
        // On its own again, with no topics: consenting to offers brings none about falconry.
        try n.say("mx:@carol:hs", "optin")
        #expect(try n.say("mx:@carol:hs", "expertise").joined().lowercased().contains("falconry") == false)
        let asked = try n.say("libera:bob", "ask falconry")
        #expect(asked.contains { $0.hasPrefix("libera:carol: ") && $0.contains("accept") }, "\(asked)")
        #expect(!asked.contains { $0.hasPrefix("mx:@carol:hs: ") }, "no offer to an identity without topics: \(asked)")
    }
}
