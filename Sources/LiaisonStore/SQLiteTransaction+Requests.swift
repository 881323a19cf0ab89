import Foundation
import GRDB
import LiaisonCore

extension SQLiteTransaction {
    /// `r.id` 0: the next id; otherwise that id (one `nextRequestID` gave).
    func createRequest(_ r: Request) throws -> Request {
        try db.cachedExecute(sql: """
            INSERT INTO request (id, requester, topic, key, original_text, channel, status, created_at, expires_at, nobody_notified, followup_at, nobody_due_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [r.id > 0 ? r.id : nil, r.requester.raw, r.topic, r.key, r.originalText, r.channel, r.status.rawValue,
                             r.createdAt.stored, r.expiresAt.stored, r.nobodyNotified ? 1 : 0, r.followupAt?.stored, r.nobodyDueAt?.stored])
        var saved = r
        saved.id = db.lastInsertedRowID
        return saved
    }

    func request(_ id: Int64) throws -> Request? {
        try Row.fetchOneCached(db, sql: "SELECT * FROM request WHERE id = ?", arguments: [id]).map(Request.init(row:))
    }

    func saveRequest(_ r: Request) throws {
        try db.cachedExecute(sql: """
            UPDATE request SET status = ?, expires_at = ?, nobody_notified = ?, followup_at = ?, nobody_due_at = ? WHERE id = ?
            """, arguments: [r.status.rawValue, r.expiresAt.stored, r.nobodyNotified ? 1 : 0, r.followupAt?.stored,
                             r.nobodyDueAt?.stored, r.id])
    }

    func requests(of requester: Identity, status: RequestStatus?) throws -> [Request] {
        if let status {
            return try rows("SELECT * FROM request WHERE requester = ? AND status = ? ORDER BY id",
                            [requester.raw, status.rawValue]).map(Request.init(row:))
        }
        return try rows("SELECT * FROM request WHERE requester = ? ORDER BY id", [requester.raw]).map(Request.init(row:))
    }

    func openRequest(of requester: Identity, key: String) throws -> Request? {
        try Row.fetchOneCached(db, sql: "SELECT * FROM request WHERE requester = ? AND status = 'open' AND key = ? ORDER BY id LIMIT 1",
                               arguments: [requester.raw, key]).map(Request.init(row:))
    }

    func openRequestCount(of requester: Identity) throws -> Int {
        try int("SELECT COUNT(*) FROM request WHERE requester = ? AND status = 'open'", [requester.raw])
    }

    func requests(status: RequestStatus) throws -> [Request] {
        try rows("SELECT * FROM request WHERE status = ? ORDER BY id", [status.rawValue]).map(Request.init(row:))
    }

    func openRequests(after id: Int64) throws -> [Request] {
        try rows("SELECT * FROM request WHERE id > ? AND status = 'open' ORDER BY id", [id]).map(Request.init(row:))
    }

    func requests(ids: [Int64]) throws -> [Request] {
        guard !ids.isEmpty else { return [] }
        return try rows("SELECT * FROM request WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id", [Self.jsonArray(ids)])
            .map(Request.init(row:))
    }

    func lastRequestID() throws -> Int64 {
        try Int64.fetchOneCached(db, sql: "SELECT MAX(id) FROM request") ?? 0
    }

    func requestCount(of requester: Identity, since: Date) throws -> Int {
        try int("SELECT COUNT(*) FROM request WHERE requester = ? AND created_at > ?", [requester.raw, since.stored])
    }

    func nextRequestID() throws -> Int64 {
        // AUTOINCREMENT keeps the largest id ever given in sqlite_sequence, deleted rows included.
        Int64(try int("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'request'), 0) + 1", []))
    }

    /// One statement for what the default reads in five (an ask runs it every time).
    func requesterCounts(of requester: Identity, key: String, since: Date) throws -> RequesterCounts {
        let row = try Row.fetchOneCached(db, sql: """
            SELECT (SELECT version FROM person WHERE identity = ?1),
                   (SELECT COUNT(*) FROM request WHERE requester = ?1 AND status = 'open'),
                   (SELECT COUNT(*) FROM request WHERE requester = ?1 AND created_at > ?2),
                   (SELECT id FROM request WHERE requester = ?1 AND status = 'open' AND key = ?3 ORDER BY id LIMIT 1),
                   coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'request'), 0) + 1
            """, arguments: [requester.raw, since.stored, key])
        guard let row else { throw DatabaseError(message: "requesterCounts returned no row") }
        let open: Int64? = row[3]
        return RequesterCounts(version: row[0], openCount: row[1], madeSince: row[2],
                               openWithKey: try open.flatMap { try self.request($0) }, nextRequestID: row[4])
    }

    func versions(ofRequests ids: [Int64]) throws -> [Int64: Int64] {
        guard !ids.isEmpty else { return [:] }
        var out: [Int64: Int64] = [:]
        try eachRow("SELECT r.id, r.version FROM json_each(?) AS j CROSS JOIN request AS r ON r.id = j.value",
                    [Self.jsonArray(ids)]) { row in out[row[0]] = row[1] }
        return out
    }

    func versions(ofMembers members: [Identity]) throws -> [Identity: Int64] {
        guard !members.isEmpty else { return [:] }
        var out: [Identity: Int64] = [:]
        try eachRow("SELECT j.key, p.version FROM json_each(?) AS j CROSS JOIN person AS p ON p.identity = j.value",
                    [try Self.jsonArray(members)]) { row in out[members[row[0]]] = row[1] }
        return out
    }

    // MARK: Offers

    func createOffer(_ o: Offer) throws {
        try db.cachedExecute(sql: """
            INSERT INTO offer (request_id, expert, status, created_at, expires_at, answered_at) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [o.requestID, o.expert.raw, o.status.rawValue, o.createdAt.stored, o.expiresAt.stored, o.answeredAt?.stored])
    }

    func offer(requestID: Int64, expert: Identity) throws -> Offer? {
        try Row.fetchOneCached(db, sql: "SELECT * FROM offer WHERE request_id = ? AND expert = ?",
                         arguments: [requestID, expert.raw]).map(Offer.init(row:))
    }

    func saveOffer(_ o: Offer) throws {
        try db.cachedExecute(sql: "UPDATE offer SET status = ?, expires_at = ?, answered_at = ? WHERE request_id = ? AND expert = ?",
                       arguments: [o.status.rawValue, o.expiresAt.stored, o.answeredAt?.stored, o.requestID, o.expert.raw])
    }

    func offers(requestID: Int64) throws -> [Offer] {
        try rows("SELECT * FROM offer WHERE request_id = ? ORDER BY created_at, expert", [requestID]).map(Offer.init(row:))
    }

    func offers(expert: Identity, status: OfferStatus?) throws -> [Offer] {
        if let status {
            return try rows("SELECT * FROM offer WHERE expert = ? AND status = ? ORDER BY request_id",
                            [expert.raw, status.rawValue]).map(Offer.init(row:))
        }
        return try rows("SELECT * FROM offer WHERE expert = ? ORDER BY request_id", [expert.raw]).map(Offer.init(row:))
    }

    func offerCount(expert: Identity, since: Date) throws -> Int {
        try int("SELECT COUNT(*) FROM offer WHERE expert = ? AND created_at > ?", [expert.raw, since.stored])
    }

    // MARK: Introductions

    func createIntroduction(_ i: Introduction) throws -> Introduction {
        try db.cachedExecute(sql: """
            INSERT INTO introduction (request_id, requester, expert, topic, created_at, thanked_at) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [i.requestID, i.requester.raw, i.expert.raw, i.topic, i.createdAt.stored, i.thankedAt?.stored])
        var saved = i
        saved.id = db.lastInsertedRowID
        return saved
    }

    func introductions(requestID: Int64) throws -> [Introduction] {
        try rows("SELECT * FROM introduction WHERE request_id = ? ORDER BY id", [requestID]).map(Introduction.init(row:))
    }

    func introductions(involving id: Identity) throws -> [Introduction] {
        try rows("SELECT * FROM introduction WHERE requester = ? OR expert = ? ORDER BY id", [id.raw, id.raw])
            .map(Introduction.init(row:))
    }

    func saveIntroduction(_ i: Introduction) throws {
        try db.cachedExecute(sql: "UPDATE introduction SET thanked_at = ? WHERE id = ?", arguments: [i.thankedAt?.stored, i.id])
    }

    func thanksCount(expert: Identity) throws -> Int {
        try int("SELECT COUNT(*) FROM introduction WHERE expert = ? AND thanked_at IS NOT NULL", [expert.raw])
    }

    // MARK: Timers

    func nextDueTime() throws -> Date? {
        let next = try Double.fetchOneCached(db, sql: """
            SELECT MIN(t) FROM (
                SELECT MIN(expires_at) AS t FROM offer WHERE status = 'pending'
                UNION ALL SELECT MIN(expires_at) FROM request WHERE status = 'open'
                UNION ALL SELECT MIN(followup_at) FROM request WHERE followup_at IS NOT NULL
                UNION ALL SELECT MIN(nobody_due_at) FROM request WHERE nobody_due_at IS NOT NULL
                UNION ALL SELECT MIN(away_until) FROM person WHERE away_until IS NOT NULL AND away_until < ?
                UNION ALL SELECT MIN(expires_at) FROM outbox WHERE expires_at IS NOT NULL
            )
            """, arguments: [Date.distantFuture.stored])
        return next.map(Date.init(stored:))
    }

    func expiredOffers(at now: Date) throws -> [Offer] {
        try rows("SELECT * FROM offer WHERE status = 'pending' AND expires_at <= ? ORDER BY expires_at, request_id",
                 [now.stored]).map(Offer.init(row:))
    }

    func expiredRequests(at now: Date) throws -> [Request] {
        try rows("SELECT * FROM request WHERE status = 'open' AND expires_at <= ? ORDER BY id", [now.stored]).map(Request.init(row:))
    }

    func dueFollowups(at now: Date) throws -> [Request] {
        try rows("SELECT * FROM request WHERE followup_at IS NOT NULL AND followup_at <= ? ORDER BY id", [now.stored])
            .map(Request.init(row:))
    }

    func nobodyNoticesDue(at now: Date) throws -> [Request] {
        try rows("SELECT * FROM request WHERE nobody_due_at IS NOT NULL AND nobody_due_at <= ? ORDER BY id", [now.stored])
            .map(Request.init(row:))
    }

    func awayEnded(at now: Date) throws -> [Person] {
        try rows("SELECT * FROM person WHERE away_until IS NOT NULL AND away_until <= ? ORDER BY identity", [now.stored])
            .map(Person.init(row:))
    }
}
