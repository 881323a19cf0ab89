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

    /// An always-on nick (Ergo) or a bouncer keeps a nick online with nobody reading: the
    /// away status says so, a line from them says someone is there after all, and the
    /// latest news wins.
    @Test func awayNicksAreNotPresentUntilTheyComeBackOrSpeak() {
        var users = IRCUsers()
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        users.joined("alice", "#chan")
        #expect(users.user("alice")?.presence(now: t0, live: true, canAsk: true) == .here, "nothing said: here")
        users.awayChanged("alice", away: true, at: t0)
        #expect(users.user("alice")?.presence(now: t0 + 600, live: true, canAsk: true) == .away)
        users.spoke("alice", at: t0 + 700)
        #expect(users.user("alice")?.presence(now: t0 + 710, live: true, canAsk: true) == .here, "a line: someone is there")
        #expect(users.user("alice")?.presence(now: t0 + 800, live: true, canAsk: true) == .away, "for a minute only")
        users.awayChanged("alice", away: true, at: t0 + 900)
        users.spoke("alice", at: t0 + 890)
        #expect(users.user("alice")?.presence(now: t0 + 905, live: true, canAsk: true) == .away, "went away after speaking")
        users.awayChanged("alice", away: false, at: t0 + 1000)
        #expect(users.user("alice")?.presence(now: t0 + 1001, live: true, canAsk: true) == .here, "AWAY without text: back")

        // Outside shared channels a report (WHOX G, 301) holds for moments; then ask again,
        // or, where nobody can be asked, deliver as before.
        users.see("bob", account: .some("bob"))
        users.awayReported("bob", away: true, at: t0)
        #expect(users.user("bob")?.presence(now: t0 + 1, live: false, canAsk: true) == .away)
        #expect(users.user("bob")?.presence(now: t0 + 10, live: false, canAsk: true) == .unknown)
        #expect(users.user("bob")?.presence(now: t0 + 10, live: false, canAsk: false) == .here)
        users.spoke("bob", at: t0 + 20)
        users.awayReported("bob", away: true, at: t0 + 21)
        #expect(users.user("bob")?.presence(now: t0 + 21, live: false, canAsk: true) == .here,
                "a 301 to a reply does not hold the next reply to someone who just wrote")
        users.see("bob", user: "other", host: "h")
        users.see("bob", user: "again", host: "h")
        #expect(users.user("bob")?.away == nil, "another connection under the nick starts unknown")
    }
}
