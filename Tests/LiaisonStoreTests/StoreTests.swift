import Foundation
import GRDB
import Testing
@testable import LiaisonCore
@testable import LiaisonStore

func temporaryDirectory() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("liaison-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

func topics(_ store: SQLiteStore) throws -> [Topic] {
    var all: [Topic] = []
    try store.forEachTopic { all.append($0) }
    return all
}

func mode(_ path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
}

@Suite struct StoreTests {
    @Test func startUpReadsEveryTopicInOrderAndStopsCleanlyOnAnError() throws {
        let store = try SQLiteStore(path: ":memory:")
        try store.transaction { tx in
            for i in 0..<10_000 {
                let text = "topic \(i)"
                _ = try tx.addTopic(.console("m\(i % 97)"), text: text, key: TopicText.key(text), analysis: TopicText.analysis(text))
            }
        }
        let all = try topics(store)
        #expect(all.count == 10_000)
        #expect(all.map(\.id) == all.map(\.id).sorted())
        #expect(all.last?.text == "topic 9999" && all.last?.identity == .console("m\(9999 % 97)"))
        // The reader runs on its own thread: an error in the middle stops it, and the store
        // is usable right after (no reader left holding the database).
        struct Stop: Error {}
        var seen = 0
        #expect(throws: Stop.self) {
            try store.forEachTopic { _ in
                seen += 1
                if seen == 5_000 { throw Stop() }
            }
        }
        #expect(seen == 5_000)
        try store.transaction { tx in _ = try tx.addTopic(.console("late"), text: "late topic", key: "late topic", analysis: TopicText.analysis("late topic")) }
        #expect(try store.topicCount() == 10_001)
    }

    /// SPEC §4: a confirmed change survives a power cut, so every commit syncs the WAL
    /// (synchronous = FULL). GRDB's WAL set-up lowers it to NORMAL unless the store sets it again.
    @Test func everyCommitIsSyncedToDiskOnTheBotsOwnConnection() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteStore(path: dir.appendingPathComponent("state.db").path)
        try store.transaction { tx in try tx.enqueue(.message, to: .person(.console("a")), text: "hi", at: Date()) }
        #expect(try store.synchronousLevel() == 2)
    }

    /// A restored backup hands outbox ids out again; the delivery key (a Matrix transaction
    /// id, an introduction room's marker) must still never repeat, or the homeserver would
    /// swallow the new message as a retry of an old one.
    @Test func deliveryKeysNeverRepeatAfterABackupIsRestored() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("state.db").path
        let backup = dir.appendingPathComponent("backup.db").path
        var keys: [Int64: String] = [:]
        do {
            let store = try SQLiteStore(path: path)
            try store.transaction { tx in try tx.enqueue(.message, to: .person(.console("a")), text: "one", at: Date()) }
            _ = try StateBackup.copy(statePath: path, to: backup)
            try store.transaction { tx in try tx.enqueue(.message, to: .person(.console("a")), text: "two", at: Date()) }
            for entry in try store.pendingOutbox(network: "console", limit: 10) { keys[entry.id] = entry.deliveryKey }
            try store.markSent(Array(keys.keys))
        }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        try FileManager.default.copyItem(atPath: backup, toPath: path)
        let restored = try SQLiteStore(path: path)
        try restored.transaction { tx in try tx.enqueue(.message, to: .person(.console("a")), text: "three", at: Date()) }
        let again = try restored.pendingOutbox(network: "console", limit: 10)
        let reused = try #require(again.first { $0.text == "three" })
        #expect(keys[reused.id] != nil, "the restored file hands out an id that was used before")
        #expect(keys[reused.id] != reused.deliveryKey, "but never the same delivery key")
    }

    /// A message written but never confirmed before a crash is known as such after the
    /// restart (so the IRC client can look for it in the server's history first).
    @Test func aWrittenButUnconfirmedMessageIsKnownAfterARestart() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("state.db").path
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        do {
            let store = try SQLiteStore(path: path)
            try store.transaction { tx in
                try tx.enqueue(.message, to: .person(.console("a")), text: "one", at: at)
                try tx.enqueue(.message, to: .person(.console("a")), text: "two", at: at)
            }
            let rows = try store.pendingOutbox(network: "console", limit: 10)
            #expect(rows.allSatisfy { $0.writtenAt == nil })
            try store.markWritten([rows[0].id], at: at.addingTimeInterval(1))
        }
        let reopened = try SQLiteStore(path: path)
        let rows = try reopened.pendingOutbox(network: "console", limit: 10)
        #expect(rows.map(\.writtenAt) == [at.addingTimeInterval(1), nil])
    }

    @Test func theStateFileItsWALAndSHMArePrivateAndInWALMode() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("state.db").path
        let store = try SQLiteStore(path: path)
        try store.transaction { tx in try tx.enqueue(.message, to: .person(.console("a")), text: "hi", at: Date()) }
        #expect(try mode(path) == 0o600)
        #expect(try mode(path + "-wal") == 0o600)
        #expect(try mode(path + "-shm") == 0o600)
        let journal = try store.queue.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
        let secure = try store.queue.read { db in try Int.fetchOne(db, sql: "PRAGMA secure_delete") }
        #expect(secure == 1)
    }

    @Test func migrationsAreNamedAndReopeningKeepsData() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("state.db").path
        do {
            let store = try SQLiteStore(path: path)
            _ = try store.transaction { tx in try tx.addTopic(.console("alice"), text: "Rust", key: "rust", analysis: TopicText.analysis("Rust")) }
        }
        let store = try SQLiteStore(path: path)
        let applied = try store.queue.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(applied == ["v1 directory, requests, outbox", "v2 network state, seen events, introduction rooms", "v3 topic analysis",
                            "v4 linked identities",
                            "v5 outbox lifetimes, offers and the people a message names; quiet nobody notices",
                            "v6 outbox written_at"])
        #expect(try topics(store).map(\.text) == ["Rust"])
    }

    @Test func theOutboxKeepsCommitOrderAcrossRestartsUntilSent() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("state.db").path
        do {
            let store = try SQLiteStore(path: path)
            try store.transaction { tx in
                for i in 1...5 { try tx.enqueue(.message, to: .person(.console("a")), text: "m\(i)", at: Date()) }
            }
        }
        let store = try SQLiteStore(path: path)
        let pending = try store.pendingOutbox(network: "console", limit: 3)
        #expect(pending.map(\.text) == ["m1", "m2", "m3"])
        try store.markSent(pending.map(\.id))
        #expect(try store.pendingOutbox(network: "console", limit: 10).map(\.text) == ["m4", "m5"])
        #expect(try store.pendingOutbox(network: "other", limit: 10).isEmpty)
    }

    @Test func aFailedTransactionLeavesNoChangeAndNoMessage() throws {
        let store = try SQLiteStore(path: ":memory:")
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try store.transaction { tx in
                _ = try tx.addTopic(.console("alice"), text: "rust", key: "rust", analysis: TopicText.analysis("rust"))
                try tx.enqueue(.message, to: .person(.console("alice")), text: "Added rust.", at: Date())
                throw Boom()
            }
        }
        #expect(try topics(store).isEmpty)
        #expect(try store.pendingOutbox(network: "console", limit: 10).isEmpty)
    }

    @Test func schemaConstraintsRejectBadRows() throws {
        let store = try SQLiteStore(path: ":memory:")
        #expect(throws: (any Error).self) {
            try store.queue.write { db in
                try db.execute(sql: "INSERT INTO request (requester, topic, key, original_text, status, created_at, expires_at) VALUES ('a', 't', 'k', 'o', 'bogus', 0, 0)")
            }
        }
        #expect(throws: (any Error).self) {
            try store.queue.write { db in
                try db.execute(sql: "INSERT INTO offer (request_id, expert, status, created_at, expires_at) VALUES (42, 'a', 'pending', 0, 0)")
            }
        }
    }

    @Test func blocksKeepNoReadableIdentityOfTheBlockedPerson() throws {
        let store = try SQLiteStore(path: ":memory:")
        let alice = Identity.console("alice"), bob = Identity.console("bob")
        let (added, blocked, reverse) = try store.transaction { tx throws -> (Bool, Bool, Bool) in
            (try tx.addBlock(blocker: alice, blocked: bob, requestID: 1, at: Date()),
             try tx.isBlocked(blocker: alice, blocked: bob), try tx.isBlocked(blocker: bob, blocked: alice))
        }
        #expect(added && blocked && !reverse)
        let text = try store.queue.read { db in try String.fetchAll(db, sql: "SELECT blocked_digest FROM block") }
        #expect(text.count == 1 && !text[0].contains("bob") && text[0].count == 64)
    }

    @Test func sha256MatchesKnownVectors() {
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(String(repeating: "a", count: 1000)).count == 64)
    }
}

/// Issue 13: group commit. A burst of changes commits (and syncs) once; each change is a
/// savepoint of it, so one that fails takes nothing else with it; nothing of the group is
/// visible (so nothing can be delivered) before the group's commit.
@Suite struct GroupCommitTests {
    @Test func aGroupCommitsOnceAndAFailedChangeTakesNothingElseWithIt() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("state.db").path
        let store = try SQLiteStore(path: path)
        let reader = try SQLiteStore(path: path)
        struct Refused: Error {}
        var seenInside = -1
        try store.group {
            for i in 0..<5 {
                let text = "topic \(i)"
                do {
                    try store.transaction { tx in
                        _ = try tx.addTopic(.console("m\(i)"), text: text, key: TopicText.key(text), analysis: TopicText.analysis(text))
                        if i == 2 { throw Refused() }
                    }
                } catch is Refused {}
            }
            // Another connection sees none of it before the group commits.
            seenInside = try reader.topicCount()
            #expect(store.inGroup)
        }
        #expect(seenInside == 0)
        #expect(!store.inGroup)
        #expect(try topics(reader).map(\.text) == ["topic 0", "topic 1", "topic 3", "topic 4"])
        // After the group, a transaction commits on its own again.
        try store.transaction { tx in
            _ = try tx.addTopic(.console("m9"), text: "solo", key: TopicText.key("solo"), analysis: TopicText.analysis("solo"))
        }
        #expect(try reader.topicCount() == 5)
    }

    @Test func commitsStaySyncedAndDeliveryMarksLeaveThemSo() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteStore(path: dir.appendingPathComponent("state.db").path)
        try store.transaction { tx in
            try tx.enqueue(.message, to: .person(.console("bob")), text: "hello", about: [], at: Date())
        }
        let ids = try store.pendingOutbox(network: NetworkName.console, limit: 10).map(\.id)
        #expect(ids.count == 1)
        try store.markSent(ids)
        #expect(try store.pendingOutbox(network: NetworkName.console, limit: 10).isEmpty)
        // 2 = FULL: the mark's own NORMAL does not stay behind for the next confirmed change.
        #expect(try store.synchronousLevel() == 2)
    }
}

@Suite struct BatchedReadTests {
    /// An ask reads all its candidates in one query: the same people `person` gives, unknown ones left out.
    @Test func peopleReadsTheKnownOnesInOneGo() throws {
        let store = try SQLiteStore(path: ":memory:")
        try store.transaction { tx in
            for name in ["alice", "bob"] {
                var p = Person(identity: .console(name), displayName: name, firstSeen: Date(timeIntervalSince1970: 1_000))
                p.optedIn = name == "alice"
                try tx.savePerson(p)
            }
            let found = try tx.people([.console("alice"), .console("bob"), .console("nobody")])
            #expect(Set(found.keys) == [.console("alice"), .console("bob")])
            #expect(found[.console("alice")] == (try tx.person(.console("alice"))))
            #expect(found[.console("bob")]?.optedIn == (try tx.person(.console("bob")))?.optedIn)
            #expect(try tx.people([]).isEmpty)
        }
    }

    /// The per-candidate reads of an ask, for many at once: each gives, for every id, what its
    /// one-id read gives (links, bans and blocks across linked identities included).
    @Test func batchedReadsGiveWhatTheOneIdReadsGive() throws {
        let store = try SQLiteStore(path: ":memory:")
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        let (a, b, c, c2, d, e, r, r2) = (Identity.console("a"), Identity.console("b"), Identity.console("c"),
                                         Identity(network: "libera", id: "c2"), Identity.console("d"),
                                         Identity(network: "libera", id: "e"), Identity.console("r"),
                                         Identity(network: "libera", id: "r2"))
        let unknown = Identity.console("nobody")
        try store.transaction { tx in
            try tx.link(c2, to: c, at: t0)
            try tx.link(r2, to: r, at: t0)
            try tx.recordChannelMember(a, channel: "#x")
            try tx.recordChannelMember(a, channel: "#y")
            try tx.recordChannelMember(c2, channel: "#z")
            try tx.recordChannelMember(c, channel: "#x")
            let request = try tx.createRequest(Request(id: 0, requester: r, topic: "rust", key: "rust", originalText: "ask rust",
                                                       channel: nil, status: .open, createdAt: t0, expiresAt: t0 + 86_400))
            let other = try tx.createRequest(Request(id: 0, requester: r2, topic: "go", key: "go", originalText: "ask go",
                                                     channel: nil, status: .open, createdAt: t0, expiresAt: t0 + 86_400))
            for (expert, at, id) in [(a, t0, request.id), (a, t0 - 30 * 86_400, other.id), (b, t0, request.id), (c, t0, other.id)] {
                try tx.createOffer(Offer(requestID: id, expert: expert, status: .pending, createdAt: at, expiresAt: at + 3_600))
            }
            _ = try tx.createIntroduction(Introduction(id: 0, requestID: request.id, requester: r, expert: a, topic: "rust",
                                                       createdAt: t0, thankedAt: t0))
            _ = try tx.createIntroduction(Introduction(id: 0, requestID: other.id, requester: r2, expert: a, topic: "go",
                                                       createdAt: t0, thankedAt: t0))
            _ = try tx.createIntroduction(Introduction(id: 0, requestID: request.id, requester: r, expert: b, topic: "rust",
                                                       createdAt: t0))
            // a blocked r's other identity, e blocked someone else.
            _ = try tx.addBlock(blocker: a, blocked: r2, requestID: request.id, at: t0)
            _ = try tx.addBlock(blocker: e, blocked: b, requestID: request.id, at: t0)
        }
        let ids = [a, b, c, c2, d, e, r, r2, unknown, a]
        func check(_ tx: any StoreTransaction) throws {
            let sql = try #require(tx as? SQLiteTransaction)
            #expect(try sql.channels(of: ids) == (try Self.oneByOne(ids) { try tx.channels(of: $0).nonEmpty }))
            #expect(try sql.members(of: ids) == (try Self.oneByOne(ids) { try tx.member(of: $0) }))
            #expect(try sql.linkedIdentities(of: ids) == (try Self.oneByOne(ids) { try tx.linkedIdentities(of: $0).nonEmpty }))
            #expect(try sql.offerCounts(experts: ids, since: t0 - 7 * 86_400)
                    == (try Self.oneByOne(ids) { try tx.offerCount(expert: $0, since: t0 - 7 * 86_400).nonZero }))
            #expect(try sql.thanksCounts(experts: ids) == (try Self.oneByOne(ids) { try tx.thanksCount(expert: $0).nonZero }))
            for blocked in [r, r2, b, unknown] {
                #expect(try sql.blockers(among: ids, blocking: blocked) == Set(try ids.filter { try tx.isBlocked(blocker: $0, blocked: blocked) }))
            }
            #expect(try sql.banned(among: ids) == Set(try ids.filter { try tx.isBanned($0) }))
            for empty in [[Identity](), [unknown]] {
                #expect(try sql.channels(of: empty).isEmpty && sql.offerCounts(experts: empty, since: t0).isEmpty)
                #expect(try sql.banned(among: empty).isEmpty && sql.blockers(among: empty, blocking: r).isEmpty)
            }
        }
        try store.transaction { tx in
            try check(tx)
            #expect(try (tx as? SQLiteTransaction)?.thanksCounts(experts: ids) == [a: 2])
            #expect(try (tx as? SQLiteTransaction)?.blockers(among: ids, blocking: r) == [a], "a block on any identity of theirs")
        }
        // With bans: one on a linked identity covers its member, and the other way round.
        try store.transaction { tx in
            try tx.ban(Ban(identity: c2, reason: nil, bannedBy: .console("admin"), createdAt: t0))
            try tx.ban(Ban(identity: r, reason: nil, bannedBy: .console("admin"), createdAt: t0))
            try check(tx)
            #expect(try (tx as? SQLiteTransaction)?.banned(among: ids) == [c, c2, r, r2])
        }
    }

    /// The ids go into SQL as a JSON array written by hand: quotes, backslashes, controls and
    /// any Unicode come back. (Not NUL: SQLite's JSON functions end a text there, as before.)
    @Test func batchedReadsTakeIdsOfAnyText() throws {
        let store = try SQLiteStore(path: ":memory:")
        let odd = ["quo\"te", "back\\slash", "new\nline", "tab\there", "bell\u{7}", "ünï 名前 🎉",
                   "@user:example.org", "", "[]", "a,b"].map { Identity(network: "matrix", id: $0) }
        try store.transaction { tx in
            for id in odd {
                try tx.savePerson(Person(identity: id, displayName: id.id, firstSeen: Date(timeIntervalSince1970: 1)))
                try tx.recordChannelMember(id, channel: "#c")
            }
            #expect(Set(try tx.people(odd).keys) == Set(odd))
            #expect(try tx.people(odd).values.map(\.identity).sorted() == odd.sorted())
            #expect(try (tx as? SQLiteTransaction)?.channels(of: odd) == Dictionary(uniqueKeysWithValues: odd.map { ($0, Set(["#c"])) }))
        }
    }

    private static func oneByOne<V>(_ ids: [Identity], _ read: (Identity) throws -> V?) throws -> [Identity: V] {
        var out: [Identity: V] = [:]
        for id in ids { if let value = try read(id) { out[id] = value } }
        return out
    }

    /// The reads standing requests are found with: open ones after an id, some by id, the last id.
    @Test func requestsByIdAndTheOpenOnesAfterAnId() throws {
        let store = try SQLiteStore(path: ":memory:")
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        try store.transaction { tx in
            #expect(try tx.lastRequestID() == 0)
            #expect(try tx.openRequests(after: 0).isEmpty && tx.requests(ids: [1, 2]).isEmpty)
            var made: [Request] = []
            for i in 0..<5 {
                made.append(try tx.createRequest(Request(id: 0, requester: .console("r\(i)"), topic: "t\(i)", key: "t\(i)",
                                                         originalText: "ask t\(i)", channel: nil, status: .open,
                                                         createdAt: t0, expiresAt: t0 + 86_400)))
            }
            made[3].status = .cancelled
            try tx.saveRequest(made[3])
            #expect(try tx.lastRequestID() == made[4].id)
            #expect(try tx.openRequests(after: made[1].id).map(\.id) == [made[2].id, made[4].id])
            #expect(try tx.openRequests(after: 0) == (try tx.requests(status: .open)))
            #expect(try tx.requests(ids: [made[4].id, made[0].id, 999, made[3].id]) == [made[0], made[3], made[4]],
                    "in id order, unknown ids left out")
            #expect(try tx.requests(ids: [made[2].id]) == [try #require(try tx.request(made[2].id))])
        }
    }
}

private extension Collection {
    var nonEmpty: Self? { isEmpty ? nil : self }
}

private extension Int {
    var nonZero: Int? { self == 0 ? nil : self }
}
