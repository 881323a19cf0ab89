import Foundation
import Testing
@testable import LiaisonCore
import LiaisonStore
import LiaisonIRC
import LiaisonMatrix

/// Issue 7: one member across networks. A broker with an IRC network (libera), a Matrix
/// network (mx) and the console, on a real state file. Lines are "NETWORK:ID: TEXT".
final class Networks {
    let store: SQLiteStore
    let broker: Broker
    var now = Date(timeIntervalSince1970: 1_800_000_000)

    init(admins: Set<Identity> = [Identity(network: "libera", id: "root")]) throws {
        var settings = BrokerSettings()
        settings.admins = admins
        store = try SQLiteStore(path: ":memory:")
        broker = try Broker(settings: settings, store: store, networks: ["console", "libera", "mx", "nicknet"])
        broker.register(.irc(network: "libera", nickIdentity: false))
        broker.register(.matrix(network: "mx"))
        broker.register(.irc(network: "nicknet", nickIdentity: true))
    }

    @discardableResult
    func say(_ who: String, _ text: String, verified: Bool = true, name: String? = nil, in channel: String? = nil) throws -> [String] {
        let id = try #require(Identity(parsing: who))
        broker.handle(IncomingMessage(sender: id, displayName: name ?? id.id, place: channel.map { .channel($0) } ?? .direct,
                                      text: text, verified: verified, botNick: "liaison"), now: now)
        return try drain()
    }

    func advance(_ seconds: TimeInterval) throws {
        now = now.addingTimeInterval(seconds)
        broker.runDue(now: now)
        _ = try drain()
    }

    func drain() throws -> [String] {
        var lines: [String] = []
        for network in ["console", "libera", "mx", "nicknet"] {
            let entries = try store.pendingOutbox(network: network, limit: 10_000)
            try store.markSent(entries.map(\.id))
            for entry in entries where entry.kind == .message || entry.kind == .introduction {
                switch entry.target {
                case .person(let id): lines.append("\(id.raw): \(entry.text)")
                case .channel(let net, let name): lines.append("\(net):\(name): \(entry.text)")
                }
            }
        }
        return lines
    }

    /// `link` from `a`, then the code from `b`.
    func link(_ a: String, _ b: String) throws -> [String] {
        let network = String(b.split(separator: ":").first ?? "")
        let reply = try say(a, "link \(network)").joined()
        let code = try linkCode(in: reply)
        return try say(b, "link \(code)")
    }
}

/// The code in the bot's answer to `link NETWORK`.
func linkCode(in reply: String) throws -> String {
    let range = try #require(reply.range(of: #"code is [A-Z0-9]{8}"#, options: .regularExpression))
    return String(reply[range].suffix(8))
}

@Suite struct LinkTests {
    @Test func linkedIdentitiesAreOneMemberWithTheStricterPreferences() throws {
        let n = try Networks()
        try n.say("libera:alice", "optin")
        try n.say("libera:alice", "expertise add rust, tax law")
        try n.say("libera:alice", "prefs max-offers 4")
        try n.say("mx:@alice:hs", "optin")
        try n.say("mx:@alice:hs", "expertise add go, Tax Law")
        try n.say("mx:@alice:hs", "prefs asks-from channels")
        try n.say("mx:@alice:hs", "prefs max-offers 2")
        let linked = try n.link("libera:alice", "mx:@alice:hs")
        #expect(linked.contains { $0.hasPrefix("mx:@alice:hs: Linked") }, "\(linked)")
        #expect(linked.contains { $0.hasPrefix("libera:alice: Linked") }, "\(linked)")
        // One set of topics (united, one per key) from either side, and the stricter prefs.
        let topics = try n.say("mx:@alice:hs", "expertise").joined()
        for topic in ["rust", "tax law", "go"] { #expect(topics.lowercased().contains(topic), "\(topics)") }
        #expect(topics.components(separatedBy: "ax law").count == 2, "tax law once: \(topics)")
        let prefs = try n.say("libera:alice", "prefs").joined()
        #expect(prefs.contains("channels") && prefs.contains("2"), "\(prefs)")
        #expect(try n.say("mx:@alice:hs", "mydata").joined().contains("link"))
        // Replies go where the command was typed.
        #expect(try n.say("mx:@alice:hs", "help").allSatisfy { $0.hasPrefix("mx:@alice:hs: ") })
    }

    @Test func aCrossNetworkIntroductionNamesEachSideAndSaysHowToReachThem() throws {
        let n = try Networks()
        try n.say("mx:@sarah:example.org", "optin", name: "Sarah")
        try n.say("mx:@sarah:example.org", "expertise add reverse mortgages", name: "Sarah")
        let asked = try n.say("libera:carol", "ask reverse mortgages")
        let id = try #require(requestID(in: asked))
        let offer = asked.filter { $0.hasPrefix("mx:@sarah:example.org: ") }.joined()
        #expect(offer.contains("carol on IRC (libera)"), "\(asked)")
        let intro = try n.say("mx:@sarah:example.org", "accept \(id)", name: "Sarah")
        let toCarol = intro.filter { $0.hasPrefix("libera:carol: ") }.joined()
        let toSarah = intro.filter { $0.hasPrefix("mx:@sarah:example.org: ") }.joined()
        #expect(toCarol.contains("Sarah (@sarah:example.org) on Matrix") && toCarol.contains("start a chat with @sarah:example.org"), "\(toCarol)")
        #expect(toSarah.contains("carol on IRC (libera)") && toSarah.contains("/msg carol"), "\(toSarah)")
    }

    @Test func codesAreSingleUseExpireAndAreRateLimited() throws {
        let n = try Networks()
        try n.say("libera:alice", "optin")
        let reply = try n.say("libera:alice", "link mx").joined()
        let code = try linkCode(in: reply)
        #expect(try n.say("mx:@eve:hs", "link WRONGCOD").joined().contains("not a link code"))
        // The right code from the wrong network is not a code either.
        #expect(try n.say("console:alice", "link \(code)").joined().contains("not a link code"))
        #expect(try n.say("mx:@alice:hs", "link \(code.lowercased())").joined().contains("Linked"))
        #expect(try n.say("mx:@bob:hs", "link \(code)").joined().contains("not a link code"), "single use")
        // Expiry.
        let again = try n.say("libera:dave", "link mx").joined()
        let late = try linkCode(in: again)
        try n.advance(601)
        #expect(try n.say("mx:@dave:hs", "link \(late)").joined().contains("not a link code"))
        // Five wrong guesses per ten minutes, then even the right code waits.
        let third = try n.say("libera:erin", "link mx").joined()
        let right = try linkCode(in: third)
        for guess in ["AAAAAAAA", "BBBBBBBB", "CCCCCCCC", "DDDDDDDD", "EEEEEEEE"] { try n.say("mx:@mallory:hs", "link \(guess)") }
        #expect(try n.say("mx:@mallory:hs", "link \(right)").joined().contains("Too many"))
    }

    @Test func onlyUnspoofableIdentitiesLinkAndLinkingGrantsNoAdminRights() throws {
        let n = try Networks()
        #expect(try n.say("libera:alice", "link mx", verified: false).joined().contains("cannot be spoofed"))
        #expect(try n.say("nicknet:alice", "link mx").joined().contains("cannot be spoofed"))
        // The refusal names what can be linked on the networks this bot serves; a nick network adds nothing.
        #expect(try n.say("nicknet:bob", "link libera").joined()
            .contains("Only an identity that cannot be spoofed can be linked: a services account on IRC or a Matrix user ID."))
        #expect(try n.link("libera:root", "mx:@root:hs").joined().contains("Linked"))
        #expect(try n.say("mx:@root:hs", "admin stats").joined().contains("only for Liaison's admins"))
        #expect(try n.say("libera:root", "admin stats").joined().contains("Members:"))
    }

    @Test func aBanOnOneLinkedIdentityCoversAllOfThem() throws {
        let n = try Networks()
        try n.say("libera:alice", "optin")
        try n.say("libera:alice", "expertise add rust")
        _ = try n.link("libera:alice", "mx:@alice:hs")
        try n.say("libera:root", "admin ban mx:@alice:hs spam")
        #expect(try n.say("libera:alice", "optin").joined().contains("banned"))
        #expect(try n.say("console:bob", "ask rust").joined().contains("nobody"), "a banned member gets no offers")
        let stats = try n.say("libera:root", "admin stats").joined()
        #expect(stats.contains("Members:"), "\(stats)")
    }

    @Test func unlinkSeparatesTheIdentityAndTheMemberKeepsItsData() throws {
        let n = try Networks()
        try n.say("libera:alice", "optin")
        try n.say("libera:alice", "expertise add rust")
        _ = try n.link("libera:alice", "mx:@alice:hs")
        #expect(try n.say("libera:root", "admin stats").joined().contains("1 linked across networks"))
        #expect(try n.say("libera:root", "admin members").joined().contains("libera:alice + mx:@alice:hs"))
        #expect(try n.say("mx:@alice:hs", "unlink mx").joined().contains("Unlinked mx"))
        #expect(!(try n.say("mx:@alice:hs", "expertise").joined().contains("rust")), "the separated identity starts afresh")
        #expect(try n.say("libera:alice", "expertise").joined().contains("rust"))
        // The member's own identity may leave too: the other one keeps the data.
        _ = try n.link("libera:alice", "mx:@alice:hs")
        #expect(try n.say("mx:@alice:hs", "unlink libera").joined().contains("Unlinked libera"))
        #expect(try n.say("mx:@alice:hs", "expertise").joined().contains("rust"))
        #expect(!(try n.say("libera:alice", "expertise").joined().contains("rust")))
        #expect(try n.say("console:bob", "ask rust").contains { $0.hasPrefix("mx:@alice:hs: ") && $0.contains("accept") },
                "offers follow the data to the identity that kept it")
    }

    @Test func forgetFromEitherIdentityForgetsTheWholeMember() throws {
        let n = try Networks()
        try n.say("libera:alice", "optin")
        try n.say("libera:alice", "expertise add rust")
        _ = try n.link("libera:alice", "mx:@alice:hs")
        try n.say("mx:@alice:hs", "forget")
        #expect(try n.say("mx:@alice:hs", "forget confirm").joined().contains("no longer store"))
        let rows = try n.store.transaction { tx in
            try tx.dataReferring(to: Identity(network: "libera", id: "alice")) + tx.dataReferring(to: Identity(network: "mx", id: "@alice:hs"))
        }
        #expect(rows.filter { $0.table != "outbox" }.isEmpty, "\(rows)")
    }
}
