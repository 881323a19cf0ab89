import LiaisonIRCProtocol
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
        #expect(entries.contains { $0.text.contains("QUIT :pwned") },
                "the hostile words did reach the queued messages, so the checks below mean something")
        // Cleaned where it entered the core: no user text carries a control character or
        // starts a line of its own in what is queued.
        for entry in entries {
            let controls = entry.text.unicodeScalars.filter { $0.value < 0x20 && $0 != "\n" }
            #expect(controls.isEmpty, "\(controls.map(\.value)) in \(entry.text.debugDescription)")
            for line in entry.text.split(separator: "\n") {
                #expect(!line.hasPrefix("QUIT") && !line.hasPrefix("PRIVMSG"), "user text became a line: \(line.debugDescription)")
            }
        }
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

    /// A display name shaped to make the bot send a CTCP DCC offer to an expert: the name
    /// comes from a Matrix user, the offer goes out on IRC. Neither the queued offer nor the
    /// IRC line may carry a line break, \u{01} or a formatting code from it.
    @Test func aDisplayNameNeverBecomesALineOrACTCPRequest() throws {
        let d = try Driver()
        let name = "Bob\n\u{01}DCC SEND evil.exe 2130706433 6667 1\u{01}\r\n\u{02}\u{03}04PRIVMSG #ops :hi"
        d.say("alice", "alice", "optin")
        d.say("alice", "alice", "expertise add falconry")
        d.say("bob", name, "ask falconry")
        let offers = try d.outbox().filter { $0.target == .person(Identity(network: "libera", id: "alice")) && $0.text.contains("offer") }
        #expect(offers.count == 1)
        for offer in offers {
            #expect(!offer.text.contains("\n") && !offer.text.contains("\u{01}") && !offer.text.contains("\u{02}"), "\(offer.text.debugDescription)")
            #expect(offer.text.contains("Bob DCC SEND evil.exe"), "the name is kept as plain words: \(offer.text)")
            let payloads = IRCClient.payloads(offer.text, budget: 400)
            for payload in payloads {
                #expect(!payload.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }, "\(payload.debugDescription)")
            }
        }
        // The wire's own guard, for text that reached the outbox some other way (an old state file).
        #expect(IRCClient.payloads("hi \u{01}DCC SEND x\u{01} \u{02}b\u{03}04c\u{0F}", budget: 400) == ["hi  DCC SEND x   b 04c"])
    }
}
