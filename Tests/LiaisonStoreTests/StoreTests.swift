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

/// What only the SQLite backend promises (the contract every backend keeps is in
/// LiaisonStoreContractTests).
@Suite struct StoreTests {
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

