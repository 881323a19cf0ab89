import Foundation
import GRDB
import LiaisonCore

extension SQLiteTransaction {
    /// Every column that holds an identity, by table. `mydata` and `forget` both work from
    /// this list, and a test walks the schema to prove it misses nothing.
    static let identityColumns: [(table: String, columns: [String])] = [
        ("person", ["identity"]),
        ("topic", ["identity"]),
        ("channel_member", ["identity"]),
        ("request", ["requester"]),
        ("offer", ["expert"]),
        ("introduction", ["requester", "expert"]),
        ("block", ["blocker"]),
        ("ban", ["identity", "banned_by"]),
        ("audit", ["actor", "subject"]),
        ("outbox", ["target", "other"]),
        ("outbox_about", ["identity"]),
        ("link", ["identity", "member"]),
        ("link_code", ["issuer"]),
    ]

    func dataReferring(to id: Identity) throws -> [(table: String, row: String)] {
        var result: [(table: String, row: String)] = []
        // Transport state about a person is keyed "KIND:IDENTITY" (a Matrix DM room, say).
        for row in try rows("SELECT * FROM network_state WHERE key LIKE ? ESCAPE '\\'", ["%:" + Self.likeEscaped(id.raw)]) {
            result.append(("network_state", Self.describe(row)))
        }
        for (table, columns) in Self.identityColumns {
            let condition = columns.map { "\($0) = ?" }.joined(separator: " OR ")
            let args = StatementArguments(Array(repeating: id.raw, count: columns.count))
            for row in try rows("SELECT * FROM \(table) WHERE \(condition)", args) {
                result.append((table, Self.describe(row)))
            }
        }
        return result
    }

    /// "column: value, ..." with times as dates.
    static func describe(_ row: Row) -> String {
        row.columnNames.compactMap { name -> String? in
            let value = row[name] as DatabaseValue
            switch value.storage {
            case .null: return nil
            case .double(let d) where name.hasSuffix("_at") || name == "first_seen" || name == "away_until":
                return "\(name): \(d >= Date.distantFuture.stored ? "indefinitely" : Text.date(Date(stored: d)))"
            case .double(let d): return "\(name): \(d)"
            case .int64(let i): return "\(name): \(i)"
            case .string(let s): return "\(name): \(s)"
            case .blob(let b): return "\(name): \(b.count) bytes"
            }
        }.joined(separator: ", ")
    }

    static func likeEscaped(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }

    func forget(_ id: Identity) throws {
        let raw = id.raw
        effects?.scrub = true
        // Messages to other people that name or quote the person (offers, introductions,
        // thanks, channel replies not yet delivered) go with them.
        try db.cachedExecute(sql: "DELETE FROM outbox WHERE id IN (SELECT outbox_id FROM outbox_about WHERE identity = ?)", arguments: [raw])
        try db.cachedExecute(sql: "DELETE FROM network_state WHERE key LIKE ? ESCAPE '\\'", arguments: ["%:" + Self.likeEscaped(raw)])
        // Introductions, offers and requests survive only as anonymous counts.
        let mine = "SELECT id FROM request WHERE requester = ?"
        try bump("forgotten_requests", by: int("SELECT COUNT(*) FROM request WHERE requester = ?", [raw]))
        for status in ["accepted", "declined", "expired"] {
            try bump("forgotten_\(status)", by: int("SELECT COUNT(*) FROM offer WHERE status = ? AND (expert = ? OR request_id IN (\(mine)))",
                                                    [status, raw, raw]))
        }
        try bump("forgotten_offers", by: int("SELECT COUNT(*) FROM offer WHERE expert = ? OR request_id IN (\(mine))", [raw, raw]))
        try bump("forgotten_introductions", by: int("SELECT COUNT(*) FROM introduction WHERE requester = ? OR expert = ?", [raw, raw]))
        try bump("forgotten_thanks", by: int("SELECT COUNT(*) FROM introduction WHERE (requester = ? OR expert = ?) AND thanked_at IS NOT NULL",
                                             [raw, raw]))
        for sql in [
            "DELETE FROM introduction WHERE requester = ? OR expert = ?",
            "DELETE FROM offer WHERE expert = ? OR request_id IN (\(mine))",
        ] {
            try db.cachedExecute(sql: sql, arguments: [raw, raw])
        }
        for sql in [
            "DELETE FROM request WHERE requester = ?",
            "DELETE FROM topic WHERE identity = ?",
            "DELETE FROM channel_member WHERE identity = ?",
            "DELETE FROM person WHERE identity = ?",
            "DELETE FROM block WHERE blocker = ?",
            "DELETE FROM outbox WHERE (target_kind = 'person' AND target = ?) OR other = ?1",
            "UPDATE ban SET banned_by = NULL WHERE banned_by = ?",
            "DELETE FROM link WHERE identity = ?1 OR member = ?1",
            "DELETE FROM link_code WHERE issuer = ?",
            "UPDATE audit SET actor = NULL WHERE actor = ?",
            "UPDATE audit SET subject = NULL WHERE subject = ?",
            // A ban is the admins' record, not the member's: it stays (forget refuses banned identities).
        ] {
            try db.cachedExecute(sql: sql, arguments: [raw])
        }
    }
}
