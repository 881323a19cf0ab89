import Foundation
import GRDB
import LiaisonCore

extension SQLiteTransaction {
    // MARK: Blocks

    /// A block stores the blocked identity only as a salted digest: it is the blocker's
    /// preference, so it survives the blocked person's `forget` and never shows in their `mydata`.
    func blockDigest(_ id: Identity) throws -> String {
        let salt = try String.fetchOneCached(db, sql: "SELECT value FROM meta WHERE key = 'block_salt'") ?? ""
        return SHA256.hex(salt + "\n" + id.raw)
    }

    /// Every identity of the member `id` belongs to (the member's own and those linked to it).
    /// A block or a ban is on the person, whichever identity they use (issue: linking must
    /// open no side door), so it is stored and checked for all of them.
    func identities(ofMemberOf id: Identity) throws -> [Identity] {
        let member = try self.member(of: id) ?? id
        return [member] + (try linkedIdentities(of: member))
    }

    func addBlock(blocker: Identity, blocked: Identity, requestID: Int64, at: Date) throws -> Bool {
        // One digest per identity of theirs now, so an unlink later leaves each one blocked.
        var added = false
        for id in try identities(ofMemberOf: blocked) {
            try db.cachedExecute(sql: "INSERT OR IGNORE INTO block (blocker, blocked_digest, request_id, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [blocker.raw, try blockDigest(id), requestID, at.stored])
            added = added || db.changesCount > 0
        }
        return added
    }

    func removeBlock(blocker: Identity, blocked: Identity) throws -> Bool {
        var removed = false
        for id in try identities(ofMemberOf: blocked) {
            try db.cachedExecute(sql: "DELETE FROM block WHERE blocker = ? AND blocked_digest = ?",
                           arguments: [blocker.raw, try blockDigest(id)])
            removed = removed || db.changesCount > 0
        }
        return removed
    }

    func blocksAll(blocker: Identity, blocked: Identity) throws -> Bool {
        for id in try identities(ofMemberOf: blocked) {
            if try int("SELECT COUNT(*) FROM block WHERE blocker = ? AND blocked_digest = ?", [blocker.raw, try blockDigest(id)]) == 0 {
                return false
            }
        }
        return true
    }

    func isBlocked(blocker: Identity, blocked: Identity) throws -> Bool {
        // A block on any identity of theirs, past or present: linking into a fresh identity
        // does not shed it. Most members block nobody: then nothing more is read.
        guard try int("SELECT EXISTS (SELECT 1 FROM block WHERE blocker = ?)", [blocker.raw]) > 0 else { return false }
        for id in try identities(ofMemberOf: blocked) {
            if try int("SELECT COUNT(*) FROM block WHERE blocker = ? AND blocked_digest = ?", [blocker.raw, try blockDigest(id)]) > 0 {
                return true
            }
        }
        return false
    }

    func blockRequestIDs(blocker: Identity) throws -> [Int64] {
        try Int64.fetchAllCached(db, sql: "SELECT request_id FROM block WHERE blocker = ? GROUP BY request_id ORDER BY MIN(created_at)",
                           arguments: [blocker.raw])
    }

    // MARK: Bans, aliases, audit, channels

    func ban(_ b: Ban) throws {
        try db.cachedExecute(sql: "INSERT OR REPLACE INTO ban (identity, reason, banned_by, created_at) VALUES (?, ?, ?, ?)",
                       arguments: [b.identity.raw, b.reason, b.bannedBy.raw, b.createdAt.stored])
    }

    func unban(_ id: Identity) throws -> Bool {
        try db.cachedExecute(sql: "DELETE FROM ban WHERE identity = ?", arguments: [id.raw])
        return db.changesCount > 0
    }

    func bans() throws -> [Ban] {
        try rows("SELECT * FROM ban ORDER BY created_at").map {
            Ban(identity: $0.identity("identity"), reason: $0["reason"],
                bannedBy: ($0["banned_by"] as String?).map(Identity.init(stored:)) ?? Identity(network: "", id: "(forgotten)"),
                createdAt: $0.date("created_at"))
        }
    }

    /// A ban on any identity of a member covers all of them (issue 7).
    func isBanned(_ id: Identity) throws -> Bool {
        // Most directories ban nobody: asked for every candidate of every ask, the query
        // below (a temporary table for its UNION) is run only when some ban exists.
        guard try int("SELECT EXISTS (SELECT 1 FROM ban)") > 0 else { return false }
        return try int("""
            WITH me(m) AS (SELECT coalesce((SELECT member FROM link WHERE identity = ?1), ?1))
            SELECT COUNT(*) FROM ban WHERE identity IN (SELECT m FROM me UNION SELECT identity FROM link WHERE member = (SELECT m FROM me))
            """, [id.raw]) > 0
    }

    func setAlias(_ a: Alias) throws {
        try db.cachedExecute(sql: "INSERT OR REPLACE INTO alias (alias_key, alias, topic) VALUES (?, ?, ?)",
                       arguments: [TopicText.key(a.alias), a.alias, a.topic])
    }

    func removeAlias(_ alias: String) throws -> Bool {
        try db.cachedExecute(sql: "DELETE FROM alias WHERE alias_key = ?", arguments: [TopicText.key(alias)])
        return db.changesCount > 0
    }

    func aliases() throws -> [Alias] {
        try rows("SELECT * FROM alias ORDER BY alias_key").map { Alias(alias: $0["alias"], topic: $0["topic"]) }
    }

    func appendAudit(actor: Identity, action: String, subject: Identity?, at: Date) throws {
        try db.cachedExecute(sql: "INSERT INTO audit (at, actor, action, subject) VALUES (?, ?, ?, ?)",
                       arguments: [at.stored, actor.raw, action, subject?.raw])
    }

    func audit(limit: Int) throws -> [AuditEntry] {
        try rows("SELECT * FROM audit ORDER BY id DESC LIMIT ?", [limit]).reversed().map {
            AuditEntry(id: $0["id"], at: $0.date("at"),
                       actor: ($0["actor"] as String?).map(Identity.init(stored:)) ?? Identity(network: "", id: "(forgotten)"),
                       action: $0["action"], subject: ($0["subject"] as String?).map(Identity.init(stored:)))
        }
    }

    func channelSetting(network: String, channel: String) throws -> ChannelSetting? {
        try Row.fetchOneCached(db, sql: "SELECT * FROM channel_setting WHERE network = ? AND channel = ?",
                         arguments: [network, channel.lowercased()]).map {
            ChannelSetting(network: $0["network"], channel: $0["channel"],
                           joined: ($0["joined"] as Int?).map { $0 == 1 }, quiet: ($0["quiet"] as Int? ?? 0) == 1)
        }
    }

    func saveChannelSetting(_ s: ChannelSetting) throws {
        try db.cachedExecute(sql: "INSERT OR REPLACE INTO channel_setting (network, channel, joined, quiet) VALUES (?, ?, ?, ?)",
                       arguments: [s.network, s.channel.lowercased(), s.joined.map { $0 ? 1 : 0 }, s.quiet ? 1 : 0])
    }

    // MARK: Stats

    func counter(_ name: String) throws -> Int {
        try int("SELECT value FROM counter WHERE name = ?", [name])
    }

    func bump(_ name: String, by n: Int) throws {
        guard n > 0 else { return }
        try db.cachedExecute(sql: "INSERT INTO counter (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = value + excluded.value",
                       arguments: [name, n])
    }

    func stats(topGivers: Int) throws -> Stats {
        var s = Stats()
        s.members = try int("SELECT COUNT(*) FROM person WHERE opted_in = 1")
        for row in try rows("""
            SELECT net AS network, COUNT(*) AS n FROM (
                SELECT network AS net, identity AS m FROM person WHERE opted_in = 1
                UNION
                SELECT substr(l.identity, 1, instr(l.identity, ':') - 1), l.member
                FROM link l JOIN person p ON p.identity = l.member WHERE p.opted_in = 1
            ) GROUP BY net
            """) {
            s.membersPerNetwork[row["network"]] = row["n"]
        }
        s.linkedMembers = try int("SELECT COUNT(DISTINCT l.member) FROM link l JOIN person p ON p.identity = l.member WHERE p.opted_in = 1")
        s.topics = try int("SELECT COUNT(DISTINCT key) FROM topic")
        s.requests = try int("SELECT COUNT(*) FROM request") + counter("forgotten_requests")
        s.openRequests = try int("SELECT COUNT(*) FROM request WHERE status = 'open'")
        s.offers = try int("SELECT COUNT(*) FROM offer") + counter("forgotten_offers")
        s.acceptedOffers = try int("SELECT COUNT(*) FROM offer WHERE status = 'accepted'") + counter("forgotten_accepted")
        s.declinedOffers = try int("SELECT COUNT(*) FROM offer WHERE status = 'declined'") + counter("forgotten_declined")
        s.expiredOffers = try int("SELECT COUNT(*) FROM offer WHERE status = 'expired'") + counter("forgotten_expired")
        s.introductions = try int("SELECT COUNT(*) FROM introduction") + counter("forgotten_introductions")
        s.thanks = try int("SELECT COUNT(*) FROM introduction WHERE thanked_at IS NOT NULL") + counter("forgotten_thanks")
        s.topGivers = try rows("""
            SELECT i.expert, COALESCE(p.display_name, i.expert) AS name, COUNT(*) AS n, COUNT(i.thanked_at) AS t
            FROM introduction i LEFT JOIN person p ON p.identity = i.expert
            GROUP BY i.expert ORDER BY n DESC, t DESC, i.expert LIMIT ?
            """, [topGivers]).map { Stats.Giver(identity: $0.identity("expert"), displayName: $0["name"], introductions: $0["n"], thanked: $0["t"]) }
        return s
    }
}
