import Foundation
import Testing
@testable import LiaisonIRC

@Suite struct IRCUsersTests {
    @Test func accountsFollowNickChangesAndQuits() {
        var u = IRCUsers()
        u.see("Alice", user: "a", host: "h", account: .some("AliceAcct"))
        u.joined("Alice", "#Dev")
        #expect(u.nicks(loggedInTo: "aliceacct") == ["Alice"])
        u.renamed("alice", to: "Alice2")
        #expect(u.nicks(loggedInTo: "AliceAcct") == ["Alice2"])
        #expect(u.user("ALICE2")?.channels == ["#dev"])
        u.see("Alice2", account: .some(""))
        #expect(u.nicks(loggedInTo: "AliceAcct").isEmpty, "ACCOUNT * logs out")
        u.quit("alice2")
        #expect(u.user("Alice2") == nil)
    }

    @Test func rfc1459FoldsBracketsLikeServersDo() {
        var u = IRCUsers()
        u.see("[Bob]", account: .some("bob"))
        #expect(u.user("{bob}") != nil)
    }

    @Test func theBotLeavingAChannelForgetsWhoWasThere() {
        var u = IRCUsers()
        u.botJoined("#dev")
        u.joined("alice", "#dev")
        u.joined("alice", "#ops")
        u.botLeft("#DEV")
        #expect(u.user("alice")?.channels == ["#ops"])
    }

    /// Nicks that only ever wrote privately are never seen to quit: the table stays bounded
    /// however many write, and people in shared channels are kept.
    @Test func nicksSeenOnlyInPrivateDoNotGrowTheTableWithoutBound() {
        var users = IRCUsers()
        users.joined("alice", "#chan")
        for i in 0..<50_000 { users.see("stranger\(i)", user: "u", host: "h", confirmedAt: Date(timeIntervalSince1970: Double(i))) }
        #expect(users.users.count <= IRCUsers.strangerLimit * 2 + 1)
        #expect(users.user("alice")?.channels.isEmpty == false, "a channel member is never forgotten")
        #expect(users.user("stranger49999") != nil, "the most recent are kept")
    }
}
