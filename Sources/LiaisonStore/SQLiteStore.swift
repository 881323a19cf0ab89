public import Foundation
import GRDB
public import LiaisonCore

/// The state file: one SQLite database in WAL mode (SPEC §4, §6).
public final class SQLiteStore: Store {
    /// Reads go through `inDatabase`, not `read`: GRDB's `read` sets `PRAGMA query_only`
    /// around each read, and a flag pragma expires every prepared statement, so each read
    /// had every cached statement compiled again (half of a request's time).
    let queue: DatabaseQueue
    public let path: String
    /// Set by a `forget`: checkpoint again once the next messages are delivered.
    private var scrubOnNextDelivery = false

    /// Opens (or creates, with mode 0600) the state file at `path` and migrates it.
    /// `":memory:"` gives a private in-memory database for tests.
    public init(path: String) throws {
        self.path = path
        if path != ":memory:" { try Self.createPrivately(path) }
        var config = Configuration()
        config.journalMode = .wal
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(5)
        config.prepareDatabase { db in
            // forget must leave no trace in the file: overwrite deleted content.
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        queue = path == ":memory:" ? try DatabaseQueue(configuration: config) : try DatabaseQueue(path: path, configuration: config)
        // A confirmed change survives a power cut, not only a crash: every commit syncs the
        // WAL. Set after opening, because GRDB's WAL set-up (which runs after
        // prepareDatabase) lowers it to NORMAL, which syncs only at checkpoints.
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        let migrator = Migrations.migrator()
        // A file migrated by a newer Liaison may hold rows this one would misread or break.
        if try queue.read({ db in try migrator.hasBeenSuperseded(db) }) {
            let known = Set(migrator.migrations)
            let unknown = try queue.read { db in try migrator.appliedIdentifiers(db) }.filter { !known.contains($0) }.sorted()
            throw StoreError("the state file \(path) was written by a newer Liaison (schema \(unknown.joined(separator: ", "))); "
                             + "run that version, or restore a backup made by this one")
        }
        try migrator.migrate(queue)
    }

    /// Creates the file with mode 0600 before SQLite does, so it is never world-readable.
    /// SQLite gives the WAL and shared-memory files the database file's mode.
    static func createPrivately(_ path: String, what: String = "the state file") throws {
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0o600)
        if fd >= 0 {
            close(fd)
        } else if errno != EEXIST {
            let folder = (path as NSString).deletingLastPathComponent
            let why = errno == ENOENT ? "the folder \(folder.isEmpty ? "." : folder) does not exist" : String(cString: strerror(errno))
            throw StoreError("cannot create \(what) \(path): \(why)")
        }
        // SQLite keeps a -wal and a -shm file beside the state file: its folder must be writable.
        let folder = (path as NSString).deletingLastPathComponent
        if what == "the state file", access(folder.isEmpty ? "." : folder, W_OK) != 0 || access(path, W_OK) != 0 {
            throw StoreError("cannot write \(what) \(path): \(access(path, W_OK) != 0 ? "the file" : "its folder") is read-only (SQLite needs to write the file and a -wal and -shm file beside it)")
        }
    }

    public func transaction<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        if let open = grouped {
            // Inside `group`: a savepoint of the group's transaction, so a refusal or an
            // error rolls back this one change and no other.
            var result: T?
            try open.db.inSavepoint {
                result = try body(SQLiteTransaction(db: open.db, effects: open.effects))
                return .commit
            }
            guard let result else { throw StoreError("a grouped change returned nothing") }
            return result
        }
        let effects = TransactionEffects()
        let result = try queue.write { db in try body(SQLiteTransaction(db: db, effects: effects)) }
        if effects.scrub { scrub() }
        return result
    }

    /// The open group's connection and effects, while `group` runs.
    private var grouped: (db: Database, effects: TransactionEffects)?
    /// A `group` is running: a transaction now is a savepoint, committed with the group.
    public var inGroup: Bool { grouped != nil }

    /// Group commit: every `transaction` that `body` runs becomes a savepoint of one write
    /// transaction, committed (and synced) once at the end, so a burst of changes shares one
    /// sync. Nothing they queued is delivered before that commit, so every confirmation
    /// still waits for its change to be on disk. `body` may call nothing else of the store.
    /// A group inside a group is the outer one.
    public func group<T>(_ body: () throws -> T) throws -> T {
        if grouped != nil { return try body() }
        let effects = TransactionEffects()
        let result = try queue.write { db -> T in
            grouped = (db, effects)
            defer { grouped = nil }
            return try body()
        }
        if effects.scrub { scrub() }
        return result
    }

    public func pendingOutbox(network: String, now: Date, waiting: Set<Target>, after: Int64, limit: Int) throws -> [OutboxEntry] {
        // Waiting targets are left out in SQL, so however many rows wait for people who are
        // away, the rows after them are reached (SPEC §4: they never hold up anyone else).
        let skip = waiting.filter { $0.network == network }.map { target -> String in
            switch target {
            case .person(let id): "person:" + id.raw
            case .channel(_, let name): "channel:" + name
            }
        }
        // Written by hand, and not at all when nobody waits (the usual case): Foundation's
        // JSON was most of an outbox read.
        let json = skip.isEmpty ? "[]" : try SQLiteTransaction.jsonArray(skip)
        return try queue.inDatabase { db in
            try Row.fetchAllCached(db, sql: """
                SELECT * FROM outbox WHERE network = ? AND id > ? AND (expires_at IS NULL OR expires_at > ?)
                  AND target_kind || ':' || target NOT IN (SELECT value FROM json_each(?))
                ORDER BY id LIMIT ?
                """, arguments: [network, after, now.stored, json, limit]).map(OutboxEntry.init(row:))
        }
    }

    public func markWritten(_ ids: [Int64], at: Date) throws {
        guard !ids.isEmpty else { return }
        // Not synced on its own either, as `markSent`: lost in a power cut, the line is
        // sent again after the restart instead of being looked for in the history first (at
        // least once, SPEC §4). It was a sync per line written on servers with history.
        try unsyncedWrite { db in
            for id in ids { try db.cachedExecute(sql: "UPDATE outbox SET written_at = ? WHERE id = ?", arguments: [at.stored, id]) }
        }
    }

    /// One transaction committed without a sync of its own (the next synced commit carries
    /// it); confirmed changes stay synced. The pragmas are cached: compiling them was a third
    /// of a delivery mark.
    private func unsyncedWrite(_ body: (Database) throws -> Void) throws {
        try queue.writeWithoutTransaction { db in
            try db.cachedExecute(sql: "PRAGMA synchronous = NORMAL")
            defer { try? db.cachedExecute(sql: "PRAGMA synchronous = FULL") }
            try db.inTransaction {
                try body(db)
                return .commit
            }
        }
    }

    public func markSent(_ ids: [Int64]) throws {
        guard !ids.isEmpty else { return }
        // A delivery mark is not synced on its own: lost in a power cut, it only means the
        // message is sent again (at least once, SPEC §4); the next synced commit carries it.
        // A crash of the process loses nothing either way (the WAL is in the OS already).
        try unsyncedWrite { db in
            for id in ids { try db.cachedExecute(sql: "DELETE FROM outbox WHERE id = ?", arguments: [id]) }
        }
        // The last message to a forgotten person (its confirmation) leaves the WAL too.
        if scrubOnNextDelivery {
            scrubOnNextDelivery = (try? checkpoint()) == nil
        }
    }

    /// After `forget`: neither the file nor its WAL may keep the forgotten rows (SPEC §4).
    /// secure_delete zeroes them in the pages; a truncating checkpoint moves those pages
    /// into the file and empties the WAL, which still held the old page images. The
    /// confirmation to the person is queued in the same transaction, so the next delivery
    /// checkpoints once more.
    /// The change is committed either way: a checkpoint that fails now (a backup reading)
    /// is tried again at the next delivery.
    func scrub() {
        _ = try? checkpoint()
        scrubOnNextDelivery = true
    }

    public func forEachTopic<Prepared: Sendable>(prepare: @escaping @Sendable (Topic) -> Prepared,
                                                 _ body: (Topic, Prepared) throws -> Void) throws {
        // Start-up reads every topic. A second thread reads and decodes the rows (columns by
        // position, one cursor) and runs `prepare` while the caller indexes them: at a
        // million topics the two halves take similar time, and the machine has two cores.
        let channel = BatchChannel<(Topic, Prepared)>(capacity: 8)
        let queue = self.queue
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            do {
                try queue.inDatabase { db in
                    let rows = try Row.fetchCursor(db, sql: "SELECT id, identity, text, key, analysis FROM topic ORDER BY id")
                    var batch: [(Topic, Prepared)] = []
                    batch.reserveCapacity(4_096)
                    while let row = try rows.next() {
                        let topic = Topic(id: row[0], identity: Identity(stored: row[1]), text: row[2], key: row[3], analysis: row[4])
                        batch.append((topic, prepare(topic)))
                        if batch.count == 4_096 {
                            guard channel.put(batch) else { return }
                            batch = []
                            batch.reserveCapacity(4_096)
                        }
                    }
                    if !batch.isEmpty { _ = channel.put(batch) }
                }
                channel.finish(nil)
            } catch {
                channel.finish(error)
            }
            done.signal()
        }
        defer {
            channel.cancel()
            done.wait()
        }
        while let batch = try channel.take() {
            for (topic, prepared) in batch { try body(topic, prepared) }
        }
    }

    /// `PRAGMA synchronous` on the bot's own connection: 2 (FULL) syncs every commit.
    public func synchronousLevel() throws -> Int {
        try queue.inDatabase { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// `PRAGMA integrity_check`: ["ok"] for a sound file.
    public func integrityCheck() throws -> [String] {
        try queue.inDatabase { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }

    public func topicCount() throws -> Int {
        try queue.inDatabase { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM topic") ?? 0 }
    }

    public func allAliases() throws -> [Alias] {
        try queue.inDatabase { db in try SQLiteTransaction(db: db).aliases() }
    }

    public func channelSettings() throws -> [ChannelSetting] {
        try queue.inDatabase { db in
            try Row.fetchAll(db, sql: "SELECT * FROM channel_setting ORDER BY network, channel").map {
                ChannelSetting(network: $0["network"], channel: $0["channel"],
                               joined: ($0["joined"] as Int?).map { $0 == 1 }, quiet: ($0["quiet"] as Int? ?? 0) == 1)
            }
        }
    }

    public func networkState(network: String, key: String) throws -> String? {
        try queue.inDatabase { db in try SQLiteTransaction(db: db).networkState(network: network, key: key) }
    }

    public func setNetworkState(network: String, key: String, value: String?) throws {
        try queue.write { db in try SQLiteTransaction(db: db).setNetworkState(network: network, key: key, value: value) }
    }

    /// Moves the WAL's content into the main file and truncates the WAL to zero bytes.
    public func checkpoint() throws {
        guard path != ":memory:" else { return }
        try queue.writeWithoutTransaction { db in
            // (busy, frames in the WAL, frames moved): busy when a reader (a backup) holds it.
            if let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)"), (row[0] as Int?) == 1 {
                throw StoreError("the state file's WAL could not be emptied: another connection is reading it")
            }
        }
    }
}

/// What a transaction asks of the store once it has committed.
final class TransactionEffects {
    /// A `forget` ran: empty the WAL (see `SQLiteStore.scrub`).
    var scrub = false
}

public struct StoreError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

extension SQLiteStore {
    /// The nick / display name to address a person by, for transports.
    public func displayName(of id: Identity) throws -> String? {
        try queue.inDatabase { db in
            try String.fetchOne(db, sql: "SELECT display_name FROM person WHERE identity = ?", arguments: [id.raw])
        }
    }
}
