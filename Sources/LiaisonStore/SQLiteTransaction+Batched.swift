import Foundation
import GRDB
import LiaisonCore

/// Reads for many identities at once (issue 13): an ask checks every matching member (a
/// thousand in `scripts/bench irc`'s members figure), and one query per kind for all of them
/// costs about what one query for one of them did. The ids go in as one JSON array
/// (`json_each`), so each kind is one cached statement whatever the count. Each query walks
/// the array and seeks each id in an index (`CROSS JOIN` keeps the array outermost; an
/// `IN (SELECT ...)` would first build a temporary index of it), and gives back the array
/// position (`key`), so no stored identity is parsed or looked up again. An id given twice
/// gets its row twice, which sets the same value. Each returns what the one-id read returns
/// for every id (see `StoreTransaction`'s defaults).
extension SQLiteTransaction {
    /// A JSON array of strings, written by hand: Foundation's JSONSerialization took a fifth
    /// of an ask's time for 1,000 ids (a dynamic cast per element).
    static func jsonArray(_ values: [String]) throws -> String {
        var out: [UInt8] = []
        out.reserveCapacity(values.reduce(2) { $0 + $1.utf8.count + 3 })
        out.append(UInt8(ascii: "["))
        for (i, value) in values.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            appendEscaped(value, to: &out)
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    /// The same for identities' stored form (`raw`), without building it.
    static func jsonArray(_ ids: [Identity]) throws -> String {
        var out: [UInt8] = []
        out.reserveCapacity(ids.reduce(2) { $0 + $1.network.utf8.count + $1.id.utf8.count + 4 })
        out.append(UInt8(ascii: "["))
        for (i, id) in ids.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            appendEscaped(id.network, to: &out)
            out.append(UInt8(ascii: ":"))
            appendEscaped(id.id, to: &out)
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// `text` as the inside of a JSON string: quotes, backslashes and controls escaped.
    private static func appendEscaped(_ text: String, to out: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out.append(UInt8(ascii: "\\"))
                out.append(byte)
            case 0..<0x20:
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                        hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]])
            default:
                out.append(byte)
            }
        }
    }

    static func jsonArray(_ values: [Int64]) -> String {
        "[" + values.map(String.init).joined(separator: ",") + "]"
    }


    /// Each result row in turn, from a cursor (rows are not copied).
    func eachRow(_ sql: String, _ arguments: StatementArguments, _ body: (Row) throws -> Void) throws {
        let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
        while let row = try rows.next() { try body(row) }
    }


    func channels(of ids: [Identity]) throws -> [Identity: Set<String>] {
        guard !ids.isEmpty else { return [:] }
        var out: [Identity: Set<String>] = [:]
        try eachRow("""
            SELECT j.key, c.channel FROM json_each(?) AS j CROSS JOIN channel_member AS c ON c.identity = j.value
            """, [try Self.jsonArray(ids)]) { row in
            out[ids[row[0]], default: []].insert(row[1])
        }
        return out
    }

    func members(of ids: [Identity]) throws -> [Identity: Identity] {
        guard !ids.isEmpty else { return [:] }
        var out: [Identity: Identity] = [:]
        try eachRow("""
            SELECT j.key, l.member FROM json_each(?) AS j CROSS JOIN link AS l ON l.identity = j.value
            """, [try Self.jsonArray(ids)]) { row in
            out[ids[row[0]]] = Identity(stored: row[1])
        }
        return out
    }

    func linkedIdentities(of members: [Identity]) throws -> [Identity: [Identity]] {
        guard !members.isEmpty else { return [:] }
        var out: [Identity: [Identity]] = [:]
        // In identity order per member, as the one-member read; a member given twice gets
        // its rows twice, kept once (from its first place in the array).
        var from: [Identity: Int] = [:]
        try eachRow("""
            SELECT j.key, l.identity FROM json_each(?) AS j CROSS JOIN link AS l ON l.member = j.value ORDER BY j.key, l.identity
            """, [try Self.jsonArray(members)]) { row in
            let key: Int = row[0], member = members[key]
            guard from[member, default: key] == key else { return }
            from[member] = key
            out[member, default: []].append(Identity(stored: row[1]))
        }
        return out
    }

    func offerCounts(experts: [Identity], since: Date) throws -> [Identity: Int] {
        guard !experts.isEmpty else { return [:] }
        var out: [Identity: Int] = [:]
        try eachRow("""
            SELECT key, n FROM (
                SELECT j.key AS key, (SELECT COUNT(*) FROM offer WHERE expert = j.value AND created_at > ?) AS n FROM json_each(?) AS j
            ) WHERE n > 0
            """, [since.stored, try Self.jsonArray(experts)]) { row in
            out[experts[row[0]]] = row[1]
        }
        return out
    }

    func thanksCounts(experts: [Identity]) throws -> [Identity: Int] {
        guard !experts.isEmpty else { return [:] }
        var out: [Identity: Int] = [:]
        try eachRow("""
            SELECT key, n FROM (
                SELECT j.key AS key, (SELECT COUNT(*) FROM introduction WHERE expert = j.value AND thanked_at IS NOT NULL) AS n
                FROM json_each(?) AS j
            ) WHERE n > 0
            """, [try Self.jsonArray(experts)]) { row in
            out[experts[row[0]]] = row[1]
        }
        return out
    }

    func blockers(among blockers: [Identity], blocking blocked: Identity) throws -> Set<Identity> {
        guard !blockers.isEmpty else { return [] }
        // As `isBlocked`: a block on any identity of theirs, past or present. Most members
        // block nobody: their seek finds no row, and the digests are compared for the others.
        let digests = try identities(ofMemberOf: blocked).map { try blockDigest($0) }
        var out = Set<Identity>()
        try eachRow("""
            SELECT DISTINCT j.key FROM json_each(?) AS j CROSS JOIN block AS b ON b.blocker = j.value
            WHERE b.blocked_digest IN (SELECT value FROM json_each(?))
            """, [try Self.jsonArray(blockers), try Self.jsonArray(digests)]) { row in
            out.insert(blockers[row[0]])
        }
        return out
    }

    func banned(among ids: [Identity]) throws -> Set<Identity> {
        // As `isBanned`: nothing more is read while nobody is banned; a ban on any identity
        // of a member covers all of them.
        guard !ids.isEmpty, try int("SELECT EXISTS (SELECT 1 FROM ban)") > 0 else { return [] }
        var out = Set<Identity>()
        try eachRow("""
            WITH me(k, m) AS (
                SELECT j.key, coalesce((SELECT member FROM link WHERE identity = j.value), j.value) FROM json_each(?) AS j
            )
            SELECT k FROM me
            WHERE EXISTS (SELECT 1 FROM ban WHERE identity = me.m)
               OR EXISTS (SELECT 1 FROM ban JOIN link ON link.identity = ban.identity WHERE link.member = me.m)
            """, [try Self.jsonArray(ids)]) { row in
            out.insert(ids[row[0]])
        }
        return out
    }
}
