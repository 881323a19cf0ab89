import Foundation
import GRDB
import LiaisonCore

// Row <-> model mapping: one place per table, kept inside the store module.

extension Identity {
    /// Stored `NETWORK:ID` back to an identity; the id may contain ':' (Matrix user ids).
    init(stored raw: String) {
        if let colon = raw.firstIndex(of: ":") {
            self.init(network: String(raw[..<colon]), id: String(raw[raw.index(after: colon)...]))
        } else {
            self.init(network: "", id: raw)
        }
    }
}

extension Date {
    var stored: Double { timeIntervalSince1970 }
    init(stored: Double) { self.init(timeIntervalSince1970: stored) }
}

extension Row {
    func identity(_ column: String) -> Identity { Identity(stored: self[column] as String? ?? "") }
    func date(_ column: String) -> Date { Date(stored: self[column] as Double? ?? 0) }
    func optionalDate(_ column: String) -> Date? { (self[column] as Double?).map(Date.init(stored:)) }
}

extension Person {
    init(row: Row) {
        self.init(identity: row.identity("identity"), displayName: DisplayText(row["display_name"] ?? "").value, firstSeen: row.date("first_seen"))
        optedIn = (row["opted_in"] as Int?).map { $0 == 1 }
        awayUntil = row.optionalDate("away_until")
        asksFrom = AsksFrom(rawValue: row["asks_from"] ?? "") ?? .anyone
        maxOffersPerWeek = row["max_offers"]
        note = row["note"]
    }
}

extension Person {
    /// The columns `init(columnsRow:)` reads, in its order.
    static let columns = "identity, display_name, opted_in, away_until, asks_from, max_offers, note, first_seen"

    /// As `init(row:)`, from a row of `columns`, by position.
    init(columnsRow row: Row) {
        self.init(identity: Identity(stored: row[0] as String? ?? ""), displayName: DisplayText(row[1] ?? "").value,
                  firstSeen: Date(stored: row[7] as Double? ?? 0))
        optedIn = (row[2] as Int?).map { $0 == 1 }
        awayUntil = (row[3] as Double?).map(Date.init(stored:))
        asksFrom = AsksFrom(rawValue: row[4] ?? "") ?? .anyone
        maxOffersPerWeek = row[5]
        note = row[6]
    }
}

extension Topic {
    init(row: Row) {
        self.init(id: row["id"], identity: row.identity("identity"), text: row["text"], key: row["key"],
                  analysis: row.hasColumn("analysis") ? row["analysis"] : nil)
    }
}

extension Request {
    init(row: Row) {
        self.init(id: row["id"], requester: row.identity("requester"), topic: row["topic"], key: row["key"],
                  originalText: row["original_text"], channel: row["channel"],
                  status: RequestStatus(rawValue: row["status"] ?? "") ?? .open,
                  createdAt: row.date("created_at"), expiresAt: row.date("expires_at"),
                  nobodyNotified: (row["nobody_notified"] as Int? ?? 0) == 1, followupAt: row.optionalDate("followup_at"),
                  nobodyDueAt: row.optionalDate("nobody_due_at"))
    }
}

extension Offer {
    init(row: Row) {
        self.init(requestID: row["request_id"], expert: row.identity("expert"),
                  status: OfferStatus(rawValue: row["status"] ?? "") ?? .pending,
                  createdAt: row.date("created_at"), expiresAt: row.date("expires_at"),
                  answeredAt: row.optionalDate("answered_at"))
    }
}

extension Introduction {
    init(row: Row) {
        self.init(id: row["id"], requestID: row["request_id"], requester: row.identity("requester"),
                  expert: row.identity("expert"), topic: row["topic"], createdAt: row.date("created_at"),
                  thankedAt: row.optionalDate("thanked_at"))
    }
}

extension OutboxEntry {
    init(row: Row) {
        let network: String = row["network"]
        let target: Target = (row["target_kind"] as String?) == "channel"
            ? .channel(network: network, name: row["target"])
            : .person(row.identity("target"))
        self.init(id: row["id"], kind: OutboxKind(rawValue: row["kind"] ?? "") ?? .message, target: target, text: row["text"],
                  other: (row["other"] as String?).map(Identity.init(stored:)), token: row["token"] ?? "",
                  writtenAt: row.optionalDate("written_at"))
    }
}
