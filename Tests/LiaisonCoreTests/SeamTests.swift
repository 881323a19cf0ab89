import Foundation
import Testing
@testable import LiaisonCore
import LiaisonStore

/// Issue "Promises that hold at every seam": consent, privacy, delivery and durability when
/// a hostile user shapes what they send. The broker runs on a real state file; nothing is
/// delivered until a test says whom it reaches, so messages can wait for people who are away.
final class Seams {
    let dir: URL
    let path: String
    let store: SQLiteStore
    let broker: Broker
    var now = Date(timeIntervalSince1970: 1_800_000_000)

    init(_ configure: (inout BrokerSettings) -> Void = { _ in }) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("liaison-seams-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        path = dir.appendingPathComponent("state.db").path
        var settings = BrokerSettings()
        settings.admins = [.console("admin")]
        configure(&settings)
        store = try SQLiteStore(path: path)
        broker = try Broker(settings: settings, store: store, networks: ["console"])
        broker.log = { line in if line.hasPrefix("error") { Issue.record("broker: \(line)") } }
    }

    deinit { try? FileManager.default.removeItem(at: dir) }

    func say(_ name: String, _ text: String, in channel: String? = nil) {
        broker.handle(IncomingMessage(sender: .console(name), displayName: name, place: channel.map { .channel($0) } ?? .direct,
                                      text: text, botNick: "liaison"), now: now)
    }

    func advance(_ seconds: TimeInterval) {
        now = now.addingTimeInterval(seconds)
        broker.runDue(now: now)
    }

    /// What waits for `name` (or a channel) now, without delivering it.
    func waiting(for name: String) throws -> [String] {
        try store.pendingOutbox(network: "console", now: now, waiting: [], after: 0, limit: 100_000)
            .filter { $0.kind == .message && target($0) == name }.map(\.text)
    }

    /// Delivers what waits for these people (they are online): returns it.
    @discardableResult
    func deliver(to names: String...) throws -> [String] {
        let entries = try store.pendingOutbox(network: "console", now: now, waiting: [], after: 0, limit: 100_000)
            .filter { names.contains(target($0)) }
        try store.markSent(entries.map(\.id))
        return entries.map(\.text)
    }

    func target(_ entry: OutboxEntry) -> String {
        switch entry.target {
        case .person(let id): id.id
        case .channel(_, let name): name
        }
    }

    /// The raw bytes of the state file and its WAL, as the disk holds them now.
    func rawBytes() throws -> Data {
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        if let wal = try? Data(contentsOf: URL(fileURLWithPath: path + "-wal")) { data.append(wal) }
        return data
    }

    func onDisk(_ value: String) throws -> Bool {
        try rawBytes().range(of: Data(value.utf8)) != nil
    }
}

@Suite struct SeamTests {
    // MARK: Delivery: waiting never blocks, and ends in bounded time

    @Test func messagesForSomeoneAwayNeverHoldUpAnyoneElse() throws {
        let s = try Seams { $0.commandsPerMinute = 0 }
        for i in 0..<700 { s.say("gone", i % 2 == 0 ? "help" : "expertise") }
        s.say("bob", "help")
        let gone = Target.person(.console("gone"))
        let page = try s.store.pendingOutbox(network: "console", now: s.now, waiting: [gone], after: 0, limit: 500)
        #expect(!page.isEmpty && page.allSatisfy { $0.target == .person(.console("bob")) },
                "the 700 rows for someone away are left out, and bob's reply is reached")
        // Paging after the last id read reaches every row, whatever sits before it.
        let all = try s.store.pendingOutbox(network: "console", now: s.now, waiting: [], after: 0, limit: 500)
        let rest = try s.store.pendingOutbox(network: "console", now: s.now, waiting: [], after: all.last?.id ?? 0, limit: 500)
        #expect(all.count == 500 && rest.contains { $0.target == .person(.console("bob")) })
    }

    @Test func aMessageNobodyCollectsEndsInBoundedTime() throws {
        let s = try Seams()
        s.say("gone", "help")
        #expect(try !s.waiting(for: "gone").isEmpty)
        s.advance(OutboxDraft.defaultLifetime - 60)
        #expect(try !s.waiting(for: "gone").isEmpty, "still waiting within its lifetime")
        s.advance(120)
        #expect(try s.waiting(for: "gone").isEmpty)
        #expect(try s.store.pendingOutbox(network: "console", limit: 100).isEmpty, "the row is gone, not only hidden")
    }

    @Test func anOfferThatNeverReachedItsExpertLapsesQuietlyAndTheNextMemberIsAsked() throws {
        let s = try Seams { $0.offersPerRequest = 1 }
        for name in ["alice", "carol"] {
            s.say(name, "optin")
            s.say(name, "expertise add falconry")
        }
        try s.deliver(to: "alice", "carol")
        s.say("bob", "ask falconry")
        let first = try s.waiting(for: "alice").isEmpty ? "carol" : "alice"
        let second = first == "alice" ? "carol" : "alice"
        #expect(try s.waiting(for: first).count == 1, "one offer, to \(first), who is away")
        s.advance(s.broker.settings.offerTTL + 1)
        #expect(try s.waiting(for: first).isEmpty, "neither the stale offer nor a lapse notice for an offer never seen")
        #expect(try s.waiting(for: second).contains { $0.contains("accept 1") }, "the next member is asked")
    }

    @Test func aSettledOfferThatWasNeverDeliveredIsNotDeliveredLate() throws {
        let s = try Seams { $0.offersPerRequest = 2 }
        for name in ["alice", "carol"] {
            s.say(name, "optin")
            s.say(name, "expertise add falconry")
        }
        try s.deliver(to: "alice", "carol")
        s.say("bob", "ask falconry")
        try s.deliver(to: "alice")
        s.say("alice", "accept 1")
        #expect(try s.waiting(for: "carol").isEmpty, "carol, away, gets neither the offer nor its withdrawal")
        #expect(try s.waiting(for: "bob").contains { $0.contains("meet alice") })
    }

    // MARK: forget leaves no trace, while the bot runs

    @Test func forgetByARequesterLeavesNoTraceInTheFileOrItsWAL() throws {
        let s = try Seams()
        s.say("alice", "optin")
        s.say("alice", "expertise add falconry")
        try s.deliver(to: "alice")
        s.say("bobzqx", "!ask falconry", in: "#zanzibarquux")
        // Undelivered: the offer to alice names bob and where he asked; the channel's reply
        // names him too.
        #expect(try s.waiting(for: "alice").contains { $0.contains("bobzqx") && $0.contains("zanzibarquux") })
        #expect(try s.waiting(for: "#zanzibarquux").contains { $0.contains("bobzqx") })
        #expect(try s.onDisk("zanzibarquux"), "the words are on disk before, so the scan below means something")
        s.say("bobzqx", "forget")
        s.say("bobzqx", "forget confirm")
        #expect(try s.waiting(for: "alice").allSatisfy { !$0.contains("bobzqx") && !$0.contains("zanzibarquux") })
        #expect(try s.waiting(for: "#zanzibarquux").isEmpty)
        #expect(try s.deliver(to: "bobzqx").contains { $0.contains("no longer store anything") })
        for value in ["bobzqx", "zanzibarquux"] {
            #expect(try !s.onDisk(value), "\(value) is still in the state file or its WAL")
        }
    }

    @Test func adminRemoveOfAnExpertLeavesNoTraceWhileAnIntroductionWaits() throws {
        let s = try Seams()
        s.say("alicewqv", "optin")
        s.say("alicewqv", "expertise add falconry")
        s.say("alicewqv", "prefs note write to me at notequokka@example.org")
        s.say("bob", "ask falconry")
        try s.deliver(to: "alicewqv")
        s.say("alicewqv", "accept 1")
        // bob is away: his introduction, naming alice with her note, waits.
        #expect(try s.waiting(for: "bob").contains { $0.contains("alicewqv") && $0.contains("notequokka") })
        s.say("admin", "admin remove console:alicewqv")
        try s.deliver(to: "admin", "alicewqv")
        #expect(try s.waiting(for: "bob").allSatisfy { !$0.contains("alicewqv") && !$0.contains("notequokka") })
        for value in ["alicewqv", "notequokka"] {
            #expect(try !s.onDisk(value), "\(value) is still in the state file or its WAL")
        }
    }

    // MARK: declines, blocks and bans cannot be seen

    @Test func aDeclineIsNotSeenInTheTimingOfTheNobodyNotice() throws {
        let s = try Seams()
        s.say("alice", "optin")
        s.say("alice", "expertise add falconry")
        s.say("bob", "ask falconry")
        try s.deliver(to: "alice", "bob")
        s.say("alice", "decline 1")
        try s.deliver(to: "alice")
        #expect(try s.waiting(for: "bob").isEmpty, "nothing tells bob at the moment alice said no")
        s.advance(s.broker.settings.offerTTL / 2)
        #expect(try s.waiting(for: "bob").isEmpty)
        s.advance(s.broker.settings.offerTTL / 2 + 1)
        #expect(try s.waiting(for: "bob").contains { $0.contains("Nobody was available") },
                "told when the offer would have lapsed anyway")
    }

    @Test func aBlockChangesNoCountTheRequesterSees() throws {
        let s = try Seams()
        for name in ["alice", "carol"] {
            s.say(name, "optin")
            s.say(name, "expertise add falconry")
        }
        s.say("bob", "ask falconry")
        try s.deliver(to: "alice", "carol")
        let before = try s.deliver(to: "bob").joined()
        #expect(before.contains("2 members"))
        s.say("alice", "block 1")
        s.say("carol", "block 1")
        s.say("bob", "cancel 1")
        try s.deliver(to: "bob", "alice", "carol")
        s.say("bob", "ask falconry")
        let after = try s.deliver(to: "bob").joined()
        #expect(after.contains("2 members"), "the count is the directory's, as topics shows it: \(after)")
        #expect(try s.waiting(for: "alice").isEmpty && s.waiting(for: "carol").isEmpty, "and the blocks hold")
    }

    @Test func aBannedPersonsChannelRequestIsRefusedPrivately() throws {
        let s = try Seams()
        s.say("alice", "optin")
        s.say("alice", "expertise add falconry")
        s.say("admin", "admin ban console:mallory")
        try s.deliver(to: "admin", "alice")
        s.say("mallory", "!ask falconry", in: "#birds")
        #expect(try s.waiting(for: "#birds").isEmpty, "nothing said in public")
        #expect(try s.waiting(for: "mallory").contains { $0.contains("banned") })
    }
}
