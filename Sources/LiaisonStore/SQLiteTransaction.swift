import Foundation
import GRDB
import LiaisonCore

/// The store operations inside one open write transaction.
struct SQLiteTransaction: StoreTransaction {
    let db: Database
    var effects: TransactionEffects? = nil

    func rows(_ sql: String, _ arguments: StatementArguments = []) throws -> [Row] {
        try Row.fetchAllCached(db, sql: sql, arguments: arguments)
    }

    func int(_ sql: String, _ arguments: StatementArguments = []) throws -> Int {
        try Int.fetchOneCached(db, sql: sql, arguments: arguments) ?? 0
    }

    // MARK: People

    func person(_ id: Identity) throws -> Person? {
        try Row.fetchOneCached(db, sql: "SELECT * FROM person WHERE identity = ?", arguments: [id.raw]).map(Person.init(row:))
    }

    func people(_ ids: [Identity]) throws -> [Identity: Person] {
        guard !ids.isEmpty else { return [:] }
        // One statement whatever the count: the identities go in as one JSON array.
        let json = try Self.jsonArray(ids)
        var out: [Identity: Person] = [:]
        out.reserveCapacity(ids.count)
        // Columns by position and rows from a cursor (not copied): a thousand people are read
        // for an ask that matches a thousand members.
        let rows = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT \(Person.columns) FROM json_each(?) AS j CROSS JOIN person ON person.identity = j.value
            """), arguments: [json])
        while let row = try rows.next() {
            let person = Person(columnsRow: row)
            out[person.identity] = person
        }
        return out
    }

    func savePerson(_ p: Person) throws {
        try db.cachedExecute(sql: """
            INSERT INTO person (identity, network, display_name, opted_in, away_until, asks_from, max_offers, note, first_seen)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(identity) DO UPDATE SET display_name = excluded.display_name, opted_in = excluded.opted_in,
                away_until = excluded.away_until, asks_from = excluded.asks_from, max_offers = excluded.max_offers,
                note = excluded.note
            """, arguments: [p.identity.raw, p.identity.network, p.displayName, p.optedIn.map { $0 ? 1 : 0 },
                             p.awayUntil?.stored, p.asksFrom.rawValue, p.maxOffersPerWeek, p.note, p.firstSeen.stored])
    }

    func members(optedInOnly: Bool) throws -> [Person] {
        let filter = optedInOnly ? "opted_in = 1" : "opted_in IS NOT NULL OR identity IN (SELECT identity FROM topic)"
        return try rows("SELECT * FROM person WHERE \(filter) ORDER BY identity").map(Person.init(row:))
    }

    // MARK: Topics

    func topics(of id: Identity) throws -> [Topic] {
        try rows("SELECT * FROM topic WHERE identity = ? ORDER BY id", [id.raw]).map(Topic.init(row:))
    }

    func addTopic(_ identity: Identity, text: String, key: String, analysis: String) throws -> Topic? {
        try db.cachedExecute(sql: "INSERT OR IGNORE INTO topic (identity, text, key, analysis) VALUES (?, ?, ?, ?)",
                       arguments: [identity.raw, text, key, analysis])
        guard db.changesCount > 0 else { return nil }
        return Topic(id: db.lastInsertedRowID, identity: identity, text: text, key: key, analysis: analysis)
    }

    func removeTopic(id: Int64) throws {
        try db.cachedExecute(sql: "DELETE FROM topic WHERE id = ?", arguments: [id])
    }

    func allTopics() throws -> [Topic] {
        try rows("SELECT * FROM topic ORDER BY id").map(Topic.init(row:))
    }

    // MARK: Channels

    func recordChannelMember(_ id: Identity, channel: String) throws {
        try db.cachedExecute(sql: "INSERT OR IGNORE INTO channel_member (identity, channel) VALUES (?, ?)",
                       arguments: [id.raw, channel.lowercased()])
    }

    func channels(of id: Identity) throws -> Set<String> {
        Set(try String.fetchAllCached(db, sql: "SELECT channel FROM channel_member WHERE identity = ?", arguments: [id.raw]))
    }

    // MARK: Network state and seen events

    func networkState(network: String, key: String) throws -> String? {
        try String.fetchOneCached(db, sql: "SELECT value FROM network_state WHERE network = ? AND key = ?", arguments: [network, key])
    }

    func setNetworkState(network: String, key: String, value: String?) throws {
        if let value {
            try db.cachedExecute(sql: "INSERT OR REPLACE INTO network_state (network, key, value) VALUES (?, ?, ?)",
                           arguments: [network, key, value])
        } else {
            try db.cachedExecute(sql: "DELETE FROM network_state WHERE network = ? AND key = ?", arguments: [network, key])
        }
    }

    func markSeen(network: String, eventID: String, at: Date) throws -> Bool {
        try db.cachedExecute(sql: "INSERT OR IGNORE INTO seen_event (network, event_id, at) VALUES (?, ?, ?)",
                       arguments: [network, eventID, at.stored])
        guard db.changesCount > 0 else { return false }
        // A replay can only come from a sync position older than a few days at most.
        try db.cachedExecute(sql: "DELETE FROM seen_event WHERE at < ?", arguments: [at.addingTimeInterval(-14 * 86_400).stored])
        return true
    }

    func request(sourceEvent: String) throws -> Request? {
        try Row.fetchOneCached(db, sql: "SELECT * FROM request WHERE source_event = ?", arguments: [sourceEvent]).map(Request.init(row:))
    }

    func setSourceEvent(requestID: Int64, eventID: String) throws {
        try db.cachedExecute(sql: "UPDATE request SET source_event = ? WHERE id = ?", arguments: [eventID, requestID])
    }

    // MARK: Outbox

    func enqueue(_ draft: OutboxDraft, at: Date) throws {
        let (targetKind, value): (String, String) = switch draft.target {
        case .person(let id): ("person", id.raw)
        case .channel(_, let name): ("channel", name)
        }
        let expires = draft.expiresAt ?? at.addingTimeInterval(OutboxDraft.defaultLifetime)
        try db.cachedExecute(sql: """
            INSERT INTO outbox (kind, network, target_kind, target, text, created_at, other, expires_at, offer_of, token)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [draft.kind.rawValue, draft.target.network, targetKind, value, draft.text, at.stored,
                             draft.other?.raw, expires.stored, draft.offerOf, Self.randomToken()])
        let id = db.lastInsertedRowID
        var about = draft.about
        if let other = draft.other { about.insert(other) }
        if case .person(let target) = draft.target { about.remove(target) }
        for person in about {
            try db.cachedExecute(sql: "INSERT OR IGNORE INTO outbox_about (identity, outbox_id) VALUES (?, ?)", arguments: [person.raw, id])
        }
    }

    func unsentOffer(requestID: Int64, expert: Identity) throws -> Bool {
        try db.cachedExecute(sql: "DELETE FROM outbox WHERE offer_of = ? AND target_kind = 'person' AND target = ?",
                       arguments: [requestID, expert.raw])
        return db.changesCount > 0
    }

    func dropExpiredOutbox(at now: Date) throws -> Int {
        try db.cachedExecute(sql: "DELETE FROM outbox WHERE expires_at <= ?", arguments: [now.stored])
        return db.changesCount
    }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(generator.next() as UInt64, radix: 36)
    }
}
