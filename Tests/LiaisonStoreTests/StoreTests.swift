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
                            "v6 outbox written_at", "v7 row versions; one open request per requester and topic",
                            "v8 counts by person and time"])
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

    /// A file written by a newer Liaison is not opened (and so not migrated or misread): one
    /// sentence names the schema it does not know, and the file is left as it was.
    @Test func aStateFileFromANewerLiaisonIsRefusedAndLeftAlone() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("state.db").path
        do {
            let store = try SQLiteStore(path: path)
            try store.queue.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99 from the future')")
            }
        }
        let error = try #require(throws: StoreError.self) { try SQLiteStore(path: path) }
        #expect(error.description.contains("written by a newer Liaison (schema v99 from the future)"))
        let queue = try DatabaseQueue(path: path)
        #expect(try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM grdb_migrations") } == 9)
    }

    /// Upgrading a file that already holds two open requests by one person for one topic
    /// (only possible before v7) names them and changes nothing, rather than closing one.
    @Test func theMigrationToOneOpenRequestPerTopicNamesDuplicatesInsteadOfClosingThem() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("state.db").path
        do {
            let queue = try DatabaseQueue(path: path)
            try Migrations.migrator().migrate(queue, upTo: "v6 outbox written_at")
            try queue.write { db in
                for _ in 0..<2 {
                    try db.execute(sql: """
                        INSERT INTO request (requester, topic, key, original_text, status, created_at, expires_at)
                        VALUES ('console:alice', 'rust', 'rust', 'ask rust', 'open', 0, 0)
                        """)
                }
            }
        }
        let error = try #require(throws: StoreError.self) { try SQLiteStore(path: path) }
        #expect(error.description.contains("#1, #2 (console:alice, \"rust\")"), "\(error)")
        let queue = try DatabaseQueue(path: path)
        #expect(try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM request WHERE status = 'open'") } == 2)
    }

    /// Every change to a request, its offers or introductions bumps the request's version, and
    /// every change to a member's rows bumps theirs: what a decision read can be checked at
    /// write time (docs/STORE-PROTOCOL.md §2.2).
    @Test func versionsBumpOnEveryChangeToARowOrWhatHangsOffIt() throws {
        let store = try SQLiteStore(path: ":memory:")
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        let (alice, bob, bob2) = (Identity.console("alice"), Identity.console("bob"), Identity(network: "libera", id: "bob2"))
        func version(request id: Int64) throws -> Int {
            try store.queue.read { db in try Int.fetchOne(db, sql: "SELECT version FROM request WHERE id = ?", arguments: [id]) ?? -1 }
        }
        func version(person id: Identity) throws -> Int {
            try store.queue.read { db in try Int.fetchOne(db, sql: "SELECT version FROM person WHERE identity = ?", arguments: [id.raw]) ?? -1 }
        }
        var request = try store.transaction { tx in
            for id in [alice, bob] { try tx.savePerson(Person(identity: id, displayName: id.id, firstSeen: t0)) }
            return try tx.createRequest(Request(id: 0, requester: alice, topic: "rust", key: "rust", originalText: "ask rust",
                                                channel: nil, status: .open, createdAt: t0, expiresAt: t0 + 86_400))
        }
        var last = try version(request: request.id)
        func bumped(_ change: (any StoreTransaction) throws -> Void) throws -> Bool {
            try store.transaction { tx in try change(tx) }
            let now = try version(request: request.id)
            defer { last = now }
            return now > last
        }
        var offer = Offer(requestID: request.id, expert: bob, status: .pending, createdAt: t0, expiresAt: t0 + 3_600)
        #expect(try bumped { tx in try tx.createOffer(offer) })
        offer.status = .accepted
        #expect(try bumped { tx in try tx.saveOffer(offer) })
        var intro = Introduction(id: 0, requestID: request.id, requester: alice, expert: bob, topic: "rust", createdAt: t0)
        #expect(try bumped { tx in intro = try tx.createIntroduction(intro) })
        intro.thankedAt = t0
        #expect(try bumped { tx in try tx.saveIntroduction(intro) })
        request.status = .fulfilled
        #expect(try bumped { tx in try tx.saveRequest(request) })
        #expect(try !bumped { tx in _ = try tx.addTopic(bob, text: "go", key: "go", analysis: TopicText.analysis("go")) },
                "a member's change leaves requests alone")

        var person = try version(person: bob)
        func memberBumped(_ change: (any StoreTransaction) throws -> Void) throws -> Bool {
            try store.transaction { tx in try change(tx) }
            let now = try version(person: bob)
            defer { person = now }
            return now > person
        }
        #expect(try memberBumped { tx in try tx.savePerson(Person(identity: bob, displayName: "Bob", firstSeen: t0)) })
        let topic = try #require(try store.transaction { tx in try tx.addTopic(bob, text: "rust", key: "rust", analysis: TopicText.analysis("rust")) })
        #expect(try version(person: bob) > person)
        person = try version(person: bob)
        #expect(try memberBumped { tx in try tx.removeTopic(id: topic.id) })
        #expect(try memberBumped { tx in _ = try tx.addBlock(blocker: bob, blocked: alice, requestID: request.id, at: t0) })
        #expect(try memberBumped { tx in _ = try tx.removeBlock(blocker: bob, blocked: alice) })
        #expect(try memberBumped { tx in try tx.link(bob2, to: bob, at: t0) })
        #expect(try memberBumped { tx in try tx.ban(Ban(identity: bob2, reason: nil, bannedBy: alice, createdAt: t0)) },
                "a ban on a linked identity changes its member")
        #expect(try memberBumped { tx in _ = try tx.unban(bob2) })
        #expect(try memberBumped { tx in try tx.unlink(bob2) })
        #expect(try !memberBumped { tx in try tx.savePerson(Person(identity: alice, displayName: "Alice", firstSeen: t0)) },
                "someone else's change leaves the member alone")
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

    /// The people and channels a transport cannot reach now are left out of the read, however
    /// their names are spelled (they go into the query as JSON).
    @Test func waitingTargetsAreLeftOutWhateverTheirNames() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteStore(path: dir.appendingPathComponent("state.db").path)
        let odd = Target.person(.console("we\"ird\\nick ü"))
        let channel = Target.channel(network: NetworkName.console, name: "#a\"b\u{1}")
        try store.transaction { tx in
            for target in [odd, channel, .person(.console("bob"))] {
                try tx.enqueue(.message, to: target, text: "hello", about: [], at: Date())
            }
        }
        let rows = try store.pendingOutbox(network: NetworkName.console, now: Date(), waiting: [odd, channel], after: 0, limit: 10)
        #expect(rows.map(\.target) == [.person(.console("bob"))])
        #expect(try store.pendingOutbox(network: NetworkName.console, now: Date(), waiting: [], after: 0, limit: 10).count == 3)
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
        // Nor does a "written, echo awaited" mark's.
        try store.transaction { tx in
            try tx.enqueue(.message, to: .person(.console("bob")), text: "again", about: [], at: Date())
        }
        let again = try store.pendingOutbox(network: NetworkName.console, limit: 10).map(\.id)
        try store.markWritten(again, at: Date())
        #expect(try store.pendingOutbox(network: NetworkName.console, limit: 10).map { $0.writtenAt != nil } == [true])
        #expect(try store.synchronousLevel() == 2)
    }
}

