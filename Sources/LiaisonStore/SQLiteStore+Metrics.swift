public import Foundation
import GRDB
import LiaisonCore

extension SQLiteStore {
    /// Undelivered, unexpired messages per network, for the outbox depth gauge.
    public func outboxDepths(now: Date) throws -> [String: Int] {
        try queue.inDatabase { db in
            var depths: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT network, COUNT(*) AS n FROM outbox WHERE expires_at IS NULL OR expires_at > ? GROUP BY network
                """, arguments: [now.stored]) {
                depths[row["network"]] = row["n"]
            }
            return depths
        }
    }

    /// The network and commit time of each of `ids` still in the outbox, for the delivery
    /// latency histogram (read just before they are marked sent).
    public func queuedTimes(_ ids: [Int64]) throws -> [(network: String, queuedAt: Date)] {
        guard !ids.isEmpty else { return [] }
        return try queue.inDatabase { db in
            try ids.compactMap { id in
                try Row.fetchOne(db, sql: "SELECT network, created_at FROM outbox WHERE id = ?", arguments: [id])
                    .map { (network: $0["network"], queuedAt: $0.date("created_at")) }
            }
        }
    }
}
