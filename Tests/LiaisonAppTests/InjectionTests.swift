import Foundation
import Testing
import LiaisonCore
import LiaisonIRC
@testable import LiaisonMatrix
import LiaisonStore

/// Issue 6, item 6: CR, LF and NUL typed into any field the bot echoes (topics, reasons,
/// notes, display names, channel names, the request's own words) never reach the IRC wire,
/// and user text never becomes HTML on Matrix. The broker runs on a real state file; every
/// message it queues goes through the IRC client's own payload function and serialiser.
@Suite struct InjectionTests {
    static let evil = "\r\nQUIT :pwned\r\nPRIVMSG #ops :x\0\u{1}"

    final class Driver {
        let store: SQLiteStore
        let broker: Broker
        var now = Date(timeIntervalSince1970: 1_800_000_000)

        init() throws {
            var settings = BrokerSettings()
            settings.admins = [Identity(network: "libera", id: "root")]
            store = try SQLiteStore(path: ":memory:")
            broker = try Broker(settings: settings, store: store, networks: ["libera"])
        }

        func say(_ id: String, _ display: String, _ text: String, in channel: String? = nil) {
            broker.handle(IncomingMessage(sender: Identity(network: "libera", id: id), displayName: display,
                                          place: channel.map { .channel($0) } ?? .direct, text: text, botNick: "liaison"),
                          now: now)
        }

        func outbox() throws -> [OutboxEntry] {
            let entries = try store.pendingOutbox(network: "libera", limit: 100_000)
            try store.markSent(entries.map(\.id))
            return entries
        }
    }

    @Test func crLfNulInEveryEchoedFieldNeverReachTheWire() throws {
        let d = try Driver()
        let evil = Self.evil
        let eve = "Eve" + evil, bob = "Bob" + evil, channel = "#dev" + evil
        d.say("eve", eve, "optin")
        d.say("eve", eve, "prefs note I review code" + evil)
        d.say("eve", eve, "expertise add rust" + evil + ", <script>alert(1)</script> go")
        d.say("bob", bob, "!ask rust" + evil, in: channel)
        d.say("bob", bob, "who knows about rust" + evil + "?", in: channel)
        d.say("eve", eve, "yes")
        d.say("bob", bob, "requests")
        d.say("bob", bob, "thanks 1 " + evil)
        d.say("eve", eve, "mydata")
        d.say("eve", eve, "block libera:bob" + evil)
        d.say("root", "Root" + evil, "admin ban libera:mallory spam" + evil)
        d.say("root", "Root" + evil, "admin bans")
        d.say("root", "Root" + evil, "admin alias HECM" + evil + " = reverse mortgage" + evil)
        d.say("root", "Root" + evil, "admin aliases")
        d.say("root", "Root" + evil, "admin join #evil" + evil)
        d.say("root", "Root" + evil, "admin members rust")
        d.say("root", "Root" + evil, "admin audit 50")
        d.say("nobody", "No" + evil, "unknown-command" + evil)
        let entries = try d.outbox()
        #expect(entries.count >= 15, "the flow ran: \(entries.count) messages")
        #expect(entries.contains { $0.text.contains("\r") || $0.text.contains("\0") || $0.text.contains("\n") },
                "the hostile text did reach the queued messages, so the wire check below means something")
        var lines = 0
        for entry in entries {
            let target: String
            switch entry.target {
            case .person: target = eve   // the worst a nick could be
            case .channel(_, let name): target = name
            }
            for payload in IRCClient.payloads(entry.text, budget: 400) {
                let line = IRCMessage(command: "PRIVMSG", params: [target, payload]).serialized()
                lines += 1
                #expect(!line.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }, "\(line.debugDescription)")
                #expect(line.utf8.count + 2 <= 512, "\(line.utf8.count) bytes")
                #expect(IRCMessage.parse(line)?.command == "PRIVMSG", "one line is one PRIVMSG: \(line.debugDescription)")
            }
            let html = MatrixHTML.format(entry.text).html
            #expect(!html.contains("<script"), "user text becomes HTML on Matrix: \(html)")
        }
        #expect(lines >= entries.count)
    }
}
