import GRDB
import LiaisonCore

extension SQLiteTransaction {
    /// One statement for `topics`: a member counts when opted in and not banned, where a
    /// ban on any identity of a member covers all of them (as `isBanned`). The display text
    /// is that of the key's first topic (`MIN(id)` picks the row of its bare columns).
    func topicCounts(limit: Int) throws -> (topics: [(text: String, members: Int)], total: Int) {
        let rows = try rows("""
            WITH banned(member) AS (
                SELECT coalesce((SELECT member FROM link WHERE link.identity = ban.identity), ban.identity) FROM ban
            )
            SELECT t.text, COUNT(*) AS members, MIN(t.id), COUNT(*) OVER () AS total
            FROM topic t JOIN person p ON p.identity = t.identity
            WHERE p.opted_in = 1
              AND coalesce((SELECT member FROM link WHERE link.identity = t.identity), t.identity)
                  NOT IN (SELECT member FROM banned)
            GROUP BY t.key
            ORDER BY members DESC, lower(t.text)
            LIMIT ?
            """, [max(limit, 1)])
        let total: Int = rows.first?["total"] ?? 0
        return (rows.map { (text: $0["text"], members: $0["members"]) }, total)
    }
}
