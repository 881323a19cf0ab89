import Foundation
import GRDB
import LiaisonCore

/// Linked identities (issue 7): one member across networks.
extension SQLiteTransaction {
    func member(of id: Identity) throws -> Identity? {
        try rows("SELECT member FROM link WHERE identity = ?", [id.raw]).first.map { Identity(stored: $0[0]) }
    }

    func linkedIdentities(of member: Identity) throws -> [Identity] {
        try rows("SELECT identity FROM link WHERE member = ? ORDER BY identity", [member.raw]).map { Identity(stored: $0[0]) }
    }

    func link(_ id: Identity, to member: Identity, at: Date) throws {
        try db.cachedExecute(sql: "INSERT OR REPLACE INTO link (identity, member, linked_at) VALUES (?, ?, ?)",
                       arguments: [id.raw, member.raw, at.stored])
    }

    func unlink(_ id: Identity) throws {
        try db.cachedExecute(sql: "DELETE FROM link WHERE identity = ?", arguments: [id.raw])
    }

    func repointLinks(from old: Identity, to new: Identity) throws {
        try db.cachedExecute(sql: "UPDATE link SET member = ? WHERE member = ?", arguments: [new.raw, old.raw])
    }

    func saveLinkCode(_ code: String, issuer: Identity, network: String, expiresAt: Date) throws {
        try db.cachedExecute(sql: "INSERT OR REPLACE INTO link_code (issuer, network, code, expires_at) VALUES (?, ?, ?, ?)",
                       arguments: [issuer.raw, network, code, expiresAt.stored])
    }

    func linkCodes(network: String, now: Date) throws -> [(code: String, issuer: Identity)] {
        try db.cachedExecute(sql: "DELETE FROM link_code WHERE expires_at <= ?", arguments: [now.stored])
        return try rows("SELECT code, issuer FROM link_code WHERE network = ? ORDER BY issuer", [network]).map {
            (code: $0[0], issuer: Identity(stored: $0[1]))
        }
    }

    func deleteLinkCodes(issuer: Identity) throws {
        try db.cachedExecute(sql: "DELETE FROM link_code WHERE issuer = ?", arguments: [issuer.raw])
    }

    func linkedMemberCount() throws -> Int {
        try int("SELECT COUNT(DISTINCT member) FROM link")
    }

    /// Moves what `old` has to `new`: topics (one per key), block lists, requests, offers,
    /// introductions. Person rows are merged by the caller.
    func rekey(from old: Identity, to new: Identity) throws -> [Topic] {
        let (o, n) = (old.raw, new.raw)
        try db.cachedExecute(sql: "DELETE FROM topic WHERE identity = ? AND key IN (SELECT key FROM topic WHERE identity = ?)", arguments: [o, n])
        let moved = try rows("SELECT id FROM topic WHERE identity = ?", [o]).map { $0[0] as Int64 }
        try db.cachedExecute(sql: "UPDATE topic SET identity = ? WHERE identity = ?", arguments: [n, o])
        try db.cachedExecute(sql: "INSERT OR IGNORE INTO block (blocker, blocked_digest, request_id, created_at) SELECT ?, blocked_digest, request_id, created_at FROM block WHERE blocker = ?", arguments: [n, o])
        try db.cachedExecute(sql: "DELETE FROM block WHERE blocker = ?", arguments: [o])
        try db.cachedExecute(sql: "UPDATE request SET requester = ? WHERE requester = ?", arguments: [n, o])
        try db.cachedExecute(sql: "UPDATE OR IGNORE offer SET expert = ? WHERE expert = ?", arguments: [n, o])
        try db.cachedExecute(sql: "DELETE FROM offer WHERE expert = ?", arguments: [o])
        try db.cachedExecute(sql: "UPDATE OR IGNORE introduction SET requester = ? WHERE requester = ?", arguments: [n, o])
        try db.cachedExecute(sql: "UPDATE OR IGNORE introduction SET expert = ? WHERE expert = ?", arguments: [n, o])
        let ids = Set(moved)
        return try topics(of: new).filter { ids.contains($0.id) }
    }

    func deletePerson(_ id: Identity) throws {
        try db.cachedExecute(sql: "DELETE FROM person WHERE identity = ?", arguments: [id.raw])
    }
}
