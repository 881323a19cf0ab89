import GRDB

/// Named, append-only migrations: never edit one that has shipped; add the next.
enum Migrations {
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1 directory, requests, outbox") { db in
            try db.execute(sql: """
                CREATE TABLE person (
                    identity TEXT PRIMARY KEY NOT NULL,
                    network TEXT NOT NULL,
                    display_name TEXT NOT NULL,
                    opted_in INTEGER CHECK (opted_in IN (0, 1)),
                    away_until REAL,
                    asks_from TEXT NOT NULL DEFAULT 'anyone' CHECK (asks_from IN ('anyone', 'channels', 'nobody')),
                    max_offers INTEGER CHECK (max_offers >= 0),
                    note TEXT,
                    first_seen REAL NOT NULL
                );
                CREATE INDEX person_away ON person(away_until) WHERE away_until IS NOT NULL;
                CREATE TABLE topic (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    identity TEXT NOT NULL,
                    text TEXT NOT NULL CHECK (length(text) > 0),
                    key TEXT NOT NULL CHECK (length(key) > 0),
                    UNIQUE (identity, key)
                );
                CREATE TABLE channel_member (
                    identity TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    PRIMARY KEY (identity, channel)
                ) WITHOUT ROWID;
                CREATE TABLE request (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    requester TEXT NOT NULL,
                    topic TEXT NOT NULL,
                    key TEXT NOT NULL,
                    original_text TEXT NOT NULL,
                    channel TEXT,
                    status TEXT NOT NULL CHECK (status IN ('open', 'fulfilled', 'cancelled', 'expired')),
                    created_at REAL NOT NULL,
                    expires_at REAL NOT NULL,
                    nobody_notified INTEGER NOT NULL DEFAULT 0,
                    followup_at REAL
                );
                CREATE INDEX request_requester ON request(requester, status);
                CREATE INDEX request_open ON request(status, expires_at);
                CREATE INDEX request_followup ON request(followup_at) WHERE followup_at IS NOT NULL;
                CREATE TABLE offer (
                    request_id INTEGER NOT NULL REFERENCES request(id) ON DELETE CASCADE,
                    expert TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'expired', 'withdrawn')),
                    created_at REAL NOT NULL,
                    expires_at REAL NOT NULL,
                    answered_at REAL,
                    PRIMARY KEY (request_id, expert)
                );
                CREATE INDEX offer_expert ON offer(expert, status, created_at);
                CREATE INDEX offer_pending ON offer(status, expires_at);
                CREATE TABLE introduction (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    request_id INTEGER NOT NULL REFERENCES request(id) ON DELETE CASCADE,
                    requester TEXT NOT NULL,
                    expert TEXT NOT NULL,
                    topic TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    thanked_at REAL,
                    UNIQUE (request_id, expert)
                );
                CREATE INDEX introduction_requester ON introduction(requester);
                CREATE INDEX introduction_expert ON introduction(expert);
                CREATE TABLE block (
                    blocker TEXT NOT NULL,
                    blocked_digest TEXT NOT NULL,
                    request_id INTEGER NOT NULL,
                    created_at REAL NOT NULL,
                    PRIMARY KEY (blocker, blocked_digest)
                ) WITHOUT ROWID;
                CREATE TABLE ban (
                    identity TEXT PRIMARY KEY NOT NULL,
                    reason TEXT,
                    banned_by TEXT,
                    created_at REAL NOT NULL
                );
                CREATE TABLE alias (
                    alias_key TEXT PRIMARY KEY NOT NULL,
                    alias TEXT NOT NULL,
                    topic TEXT NOT NULL
                );
                CREATE TABLE audit (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at REAL NOT NULL,
                    actor TEXT,
                    action TEXT NOT NULL,
                    subject TEXT
                );
                CREATE TABLE channel_setting (
                    network TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    joined INTEGER CHECK (joined IN (0, 1)),
                    quiet INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (network, channel)
                ) WITHOUT ROWID;
                CREATE TABLE outbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    kind TEXT NOT NULL CHECK (kind IN ('message', 'join', 'part')),
                    network TEXT NOT NULL,
                    target_kind TEXT NOT NULL CHECK (target_kind IN ('person', 'channel')),
                    target TEXT NOT NULL,
                    text TEXT NOT NULL,
                    created_at REAL NOT NULL
                );
                CREATE INDEX outbox_network ON outbox(network, id);
                CREATE TABLE counter (
                    name TEXT PRIMARY KEY NOT NULL,
                    value INTEGER NOT NULL DEFAULT 0
                ) WITHOUT ROWID;
                CREATE TABLE meta (
                    key TEXT PRIMARY KEY NOT NULL,
                    value TEXT NOT NULL
                ) WITHOUT ROWID;
                """)
            var rng = SystemRandomNumberGenerator()
            let salt = (0..<4).map { _ in String(rng.next(), radix: 16) }.joined()
            try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('block_salt', ?)", arguments: [salt])
        }
        migrator.registerMigration("v2 network state, seen events, introduction rooms") { db in
            try db.execute(sql: """
                CREATE TABLE network_state (
                    network TEXT NOT NULL,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (network, key)
                ) WITHOUT ROWID;
                CREATE TABLE seen_event (
                    network TEXT NOT NULL,
                    event_id TEXT NOT NULL,
                    at REAL NOT NULL,
                    PRIMARY KEY (network, event_id)
                ) WITHOUT ROWID;
                CREATE INDEX seen_event_at ON seen_event(at);
                ALTER TABLE request ADD COLUMN source_event TEXT;
                CREATE INDEX request_source ON request(source_event) WHERE source_event IS NOT NULL;
                CREATE TABLE outbox_v2 (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    kind TEXT NOT NULL CHECK (kind IN ('message', 'join', 'part', 'introduction')),
                    network TEXT NOT NULL,
                    target_kind TEXT NOT NULL CHECK (target_kind IN ('person', 'channel')),
                    target TEXT NOT NULL,
                    text TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    other TEXT
                );
                INSERT INTO outbox_v2 (id, kind, network, target_kind, target, text, created_at)
                    SELECT id, kind, network, target_kind, target, text, created_at FROM outbox;
                DROP TABLE outbox;
                ALTER TABLE outbox_v2 RENAME TO outbox;
                CREATE INDEX outbox_network ON outbox(network, id);
                """)
            // Keep AUTOINCREMENT's high-water mark: ids are never reused.
            try db.execute(sql: """
                UPDATE sqlite_sequence SET seq = (SELECT MAX(seq) FROM sqlite_sequence WHERE name IN ('outbox', 'outbox_v2'))
                WHERE name = 'outbox'
                """)
        }
        migrator.registerMigration("v3 topic analysis") { db in
            // Matching's analysis of each topic, so the index is built without re-analysing.
            try db.execute(sql: "ALTER TABLE topic ADD COLUMN analysis TEXT")
        }
        migrator.registerMigration("v4 linked identities") { db in
            // An identity linked to a member (the identity that asked for the code): the
            // member's data is kept under the member's identity only.
            try db.execute(sql: """
                CREATE TABLE link (
                    identity TEXT PRIMARY KEY NOT NULL,
                    member TEXT NOT NULL,
                    linked_at REAL NOT NULL
                );
                CREATE INDEX link_member ON link(member);
                CREATE TABLE link_code (
                    issuer TEXT NOT NULL,
                    network TEXT NOT NULL,
                    code TEXT NOT NULL,
                    expires_at REAL NOT NULL,
                    PRIMARY KEY (issuer, network)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v5 outbox lifetimes, offers and the people a message names; quiet nobody notices") { db in
            // request.nobody_due_at: when "nobody was available" may be told (see Request).
            // expires_at: an undelivered message ends in bounded time. offer_of: the request
            // whose offer this message makes (to `target`), so a settled offer that never
            // reached its expert is dropped instead of delivered late. token: random, so a
            // message is named uniquely even when a restored backup hands ids out again.
            // outbox_about: the people a message names, so `forget` removes it.
            try db.execute(sql: """
                ALTER TABLE outbox ADD COLUMN expires_at REAL;
                ALTER TABLE outbox ADD COLUMN offer_of INTEGER;
                ALTER TABLE outbox ADD COLUMN token TEXT;
                CREATE INDEX outbox_target ON outbox(network, target_kind, target, id);
                CREATE INDEX outbox_offer ON outbox(offer_of, target) WHERE offer_of IS NOT NULL;
                CREATE INDEX outbox_expiry ON outbox(expires_at) WHERE expires_at IS NOT NULL;
                CREATE TABLE outbox_about (
                    identity TEXT NOT NULL,
                    outbox_id INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
                    PRIMARY KEY (identity, outbox_id)
                ) WITHOUT ROWID;
                CREATE INDEX outbox_about_row ON outbox_about(outbox_id);
                ALTER TABLE request ADD COLUMN nobody_due_at REAL;
                CREATE INDEX request_nobody_due ON request(nobody_due_at) WHERE nobody_due_at IS NOT NULL;
                """)
        }
        migrator.registerMigration("v6 outbox written_at") { db in
            // written_at: when a transport last wrote the message without seeing it confirmed
            // (IRC: before its echo). After a crash, such a message may already have reached
            // the server; where it keeps history, the transport looks there before sending
            // it again.
            try db.execute(sql: "ALTER TABLE outbox ADD COLUMN written_at REAL")
        }
        migrator.registerMigration("v7 row versions; one open request per requester and topic") { db in
            // One open request per (requester, key) was kept only by the broker's check; a
            // second process could race past it. The index keeps it in the schema. A file that
            // breaks it already is not closed silently: the migration names the requests.
            let duplicates = try Row.fetchAll(db, sql: """
                SELECT requester, key, group_concat(id, ', #') AS ids FROM request WHERE status = 'open'
                GROUP BY requester, key HAVING count(*) > 1 ORDER BY min(id)
                """)
            if !duplicates.isEmpty {
                let named = duplicates.map { row -> String in
                    "#\(row["ids"] as String) (\(row["requester"] as String), \"\(row["key"] as String)\")"
                }
                throw StoreError("the state file holds open requests asked twice by the same person for the same topic: "
                                 + named.joined(separator: "; ") + "; cancel all but one of each with the Liaison that wrote the file, then start this one again")
            }
            // version: bumped by every change to the row or to what hangs off it (a request's
            // offers and introductions; a member's topics, blocks, links and bans), so that a
            // decision taken on a read can check at write time that nothing it read changed
            // (docs/STORE-PROTOCOL.md §2.2). Triggers keep it, so no write can forget to.
            try db.execute(sql: """
                CREATE UNIQUE INDEX request_open_key ON request(requester, key) WHERE status = 'open';
                ALTER TABLE request ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE person ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
                CREATE TRIGGER request_version AFTER UPDATE ON request WHEN NEW.version = OLD.version
                BEGIN UPDATE request SET version = OLD.version + 1 WHERE id = NEW.id; END;
                CREATE TRIGGER offer_insert_version AFTER INSERT ON offer
                BEGIN UPDATE request SET version = version + 1 WHERE id = NEW.request_id; END;
                CREATE TRIGGER offer_update_version AFTER UPDATE ON offer
                BEGIN UPDATE request SET version = version + 1 WHERE id = NEW.request_id; END;
                CREATE TRIGGER introduction_insert_version AFTER INSERT ON introduction
                BEGIN UPDATE request SET version = version + 1 WHERE id = NEW.request_id; END;
                CREATE TRIGGER introduction_update_version AFTER UPDATE ON introduction
                BEGIN UPDATE request SET version = version + 1 WHERE id = NEW.request_id; END;
                CREATE TRIGGER person_version AFTER UPDATE ON person WHEN NEW.version = OLD.version
                BEGIN UPDATE person SET version = OLD.version + 1 WHERE identity = NEW.identity; END;
                CREATE TRIGGER topic_insert_version AFTER INSERT ON topic
                BEGIN UPDATE person SET version = version + 1 WHERE identity = NEW.identity; END;
                CREATE TRIGGER topic_delete_version AFTER DELETE ON topic
                BEGIN UPDATE person SET version = version + 1 WHERE identity = OLD.identity; END;
                CREATE TRIGGER block_insert_version AFTER INSERT ON block
                BEGIN UPDATE person SET version = version + 1 WHERE identity = NEW.blocker; END;
                CREATE TRIGGER block_delete_version AFTER DELETE ON block
                BEGIN UPDATE person SET version = version + 1 WHERE identity = OLD.blocker; END;
                CREATE TRIGGER link_insert_version AFTER INSERT ON link
                BEGIN UPDATE person SET version = version + 1 WHERE identity IN (NEW.identity, NEW.member); END;
                CREATE TRIGGER link_delete_version AFTER DELETE ON link
                BEGIN UPDATE person SET version = version + 1 WHERE identity IN (OLD.identity, OLD.member); END;
                CREATE TRIGGER ban_insert_version AFTER INSERT ON ban
                BEGIN UPDATE person SET version = version + 1
                    WHERE identity = NEW.identity OR identity IN (SELECT member FROM link WHERE identity = NEW.identity); END;
                CREATE TRIGGER ban_delete_version AFTER DELETE ON ban
                BEGIN UPDATE person SET version = version + 1
                    WHERE identity = OLD.identity OR identity IN (SELECT member FROM link WHERE identity = OLD.identity); END;
                """)
        }
        // An ask counts the asker's requests of the last day, and each candidate's offers of
        // the last week and thanks. By (requester, status), (expert, status, created_at) and
        // (expert) those read every request, offer or introduction the person ever had, so an
        // ask grew with the directory's history (issue 13). These read only what is counted.
        migrator.registerMigration("v8 counts by person and time") { db in
            try db.execute(sql: """
                CREATE INDEX request_requester_created ON request(requester, created_at);
                CREATE INDEX offer_expert_created ON offer(expert, created_at);
                CREATE INDEX introduction_thanked ON introduction(expert, thanked_at) WHERE thanked_at IS NOT NULL;
                """)
        }
        return migrator
    }
}
