import Foundation
import GRDB
import LiaisonCore

/// `liaison backup PATH`: a consistent online copy of the state file, made with SQLite's
/// backup API while the bot may be running (WAL mode lets it read a snapshot without
/// blocking the bot's writes for long).
public enum StateBackup {
    public struct Summary: Sendable {
        public var bytes: Int
        public var people: Int
        public var topics: Int
    }

    /// Copies `statePath` to `destination`, which must not exist yet; the copy is created
    /// 0600, checked with `PRAGMA integrity_check`, and left in rollback-journal mode as a
    /// single self-contained file.
    public static func copy(statePath: String, to destination: String) throws -> Summary {
        guard FileManager.default.fileExists(atPath: statePath) else {
            throw StoreError("there is no state file at \(statePath)")
        }
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw StoreError("\(destination) already exists; choose a new file name")
        }
        // Not a read-only connection: SQLite needs write access to the WAL index to read a
        // WAL database when the bot is not running. This connection only reads.
        var sourceConfig = Configuration()
        sourceConfig.busyMode = .timeout(10)
        let source = try DatabaseQueue(path: statePath, configuration: sourceConfig)
        try SQLiteStore.createPrivately(destination, what: "the backup")
        do {
            let copy = try DatabaseQueue(path: destination)
            try source.backup(to: copy)
            try copy.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
            let summary = try copy.read { db -> Summary in
                let check = try String.fetchAll(db, sql: "PRAGMA integrity_check")
                guard check == ["ok"] else { throw StoreError("the copy failed its integrity check: \(check.joined(separator: "; "))") }
                return Summary(bytes: 0, people: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM person") ?? 0,
                               topics: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM topic") ?? 0)
            }
            try copy.close()
            try source.close()
            let size = (try FileManager.default.attributesOfItem(atPath: destination)[.size] as? NSNumber)?.intValue ?? 0
            return Summary(bytes: size, people: summary.people, topics: summary.topics)
        } catch {
            try? FileManager.default.removeItem(atPath: destination)
            throw error
        }
    }
}
