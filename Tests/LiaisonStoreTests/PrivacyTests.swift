import Foundation
import GRDB
import Testing
@testable import LiaisonCore
@testable import LiaisonStore

/// SPEC §2 `mydata` / `forget` and SPEC §4: what is stored about a person, and that forget
/// leaves no trace in the file or its WAL.
@Suite struct PrivacyTests {
    /// A story that touches every table: zanzibar is a member, a requester, an expert, an
    /// admin, a blocker, and has messages waiting.
    func story(_ broker: Broker, _ store: SQLiteStore, zanzibar: String = "zanzibar") throws {
        var now = Date(timeIntervalSince1970: 1_800_000_000)
        func say(_ name: String, _ text: String, in channel: String? = nil) {
            broker.handle(IncomingMessage(sender: .console(name), displayName: name, place: channel.map { .channel($0) } ?? .direct,
                                          text: text, botNick: "liaison"), now: now)
            now += 60
        }
        say(zanzibar, "optin")
        say(zanzibar, "expertise add quetzalcoatl husbandry, rust")
        say(zanzibar, "prefs note reach me by pigeon")
        say(zanzibar, "hello", in: "#dev")
        say("alice", "optin")
        say("alice", "expertise add gardening")
        say(zanzibar, "ask gardening")            // request #1, offer to alice
        say("alice", "accept 1")                  // introduction
        say(zanzibar, "thanks 1")
        say("bob", "ask husbandry")               // request #2, offer to zanzibar
        say(zanzibar, "accept 2")
        say("carol", "ask rust")                  // request #3, offer to zanzibar
        say(zanzibar, "block 3")
        say("admin", "admin ban console:\(zanzibar) testing")
        say("admin", "admin unban console:\(zanzibar)")
        say(zanzibar, "admin join #x")            // refused: only logged
        // Replies to others that name the identity are delivered (and deleted) by now.
        try store.markSent(try store.pendingOutbox(network: "console", limit: 1000).map(\.id))
        say("alice", "ask rust")                  // request #4 offered to zanzibar, message pending
        // A transport's state about the person (a Matrix DM room, say).
        try store.setNetworkState(network: "console", key: "dm:console:\(zanzibar)", value: "!room:example.org")
    }

    func identityColumnsTouching(_ needle: String, _ store: SQLiteStore) throws -> [String: Int] {
        try store.queue.read { db in
            var found: [String: Int] = [:]
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'grdb_migrations'")
            for table in tables {
                let columns = try Row.fetchAll(db, sql: "PRAGMA table_info(\(table))").map { $0["name"] as String }
                let condition = columns.map { "CAST(\($0) AS TEXT) LIKE ?" }.joined(separator: " OR ")
                let n = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE \(condition)",
                                         arguments: StatementArguments(Array(repeating: "%\(needle)%", count: columns.count))) ?? 0
                if n > 0 { found[table] = n }
            }
            return found
        }
    }

    @Test func mydataListsEveryRowThatRefersToTheIdentity() throws {
        let store = try SQLiteStore(path: ":memory:")
        let broker = try Broker(settings: BrokerSettings(), store: store, networks: ["console"])
        try story(broker, store)
        // Walk every column of every table for the identity, whatever the code thinks.
        let walked = try identityColumnsTouching("console:zanzibar", store)
        #expect(walked.count >= 8, "the story touches most tables: \(walked)")
        let listed = try store.transaction { tx in try tx.dataReferring(to: .console("zanzibar")) }
        var perTable: [String: Int] = [:]
        for row in listed { perTable[row.table, default: 0] += 1 }
        #expect(perTable == walked)
    }

    @Test func forgetLeavesNoTraceInTheFileOrItsWAL() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("state.db").path
        let store = try SQLiteStore(path: path)
        let broker = try Broker(settings: BrokerSettings(), store: store, networks: ["console"])
        try story(broker, store)
        try store.markSent(try store.pendingOutbox(network: "console", limit: 1000).map(\.id))
        try store.checkpoint()
        func bytes() throws -> Data {
            var data = try Data(contentsOf: URL(fileURLWithPath: path))
            if let wal = try? Data(contentsOf: URL(fileURLWithPath: path + "-wal")) { data.append(wal) }
            return data
        }
        let before = try bytes()
        #expect(before.range(of: Data("zanzibar".utf8)) != nil, "the test data is there to begin with")
        #expect(before.range(of: Data("quetzalcoatl".utf8)) != nil)

        let now = Date(timeIntervalSince1970: 1_900_000_000)
        for text in ["forget", "forget confirm"] {
            broker.handle(IncomingMessage(sender: .console("zanzibar"), displayName: "zanzibar", place: .direct, text: text,
                                          botNick: "liaison"), now: now)
        }
        try store.markSent(try store.pendingOutbox(network: "console", limit: 1000).map(\.id))
        try store.checkpoint()
        let after = try bytes()
        for secret in ["zanzibar", "quetzalcoatl", "pigeon"] {
            let found = after.range(of: Data(secret.utf8))
            let context = found.map { String(decoding: after[max(0, $0.lowerBound - 80)..<min(after.count, $0.upperBound + 80)], as: UTF8.self) }
            #expect(found == nil, "\(secret) is still in the file: \(context ?? "")")
        }
        // Introductions stay as anonymous counts.
        let stats = try store.transaction { tx in try tx.stats(topGivers: 5) }
        #expect(stats.introductions == 2)
        #expect(stats.thanks == 1)
    }
}
