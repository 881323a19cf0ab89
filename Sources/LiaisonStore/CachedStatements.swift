import GRDB

// The broker's queries are a fixed set of SQL texts run thousands of times (an ask checks
// up to 200 candidates, several queries each). Compiling each anew cost more than running
// it (SQLite's parser and GRDB's authorizer were half of an ask's time), so the store's
// queries go through the connection's statement cache. Only fixed SQL texts come here,
// never ones built from values, so the cache stays as small as the set of queries.

extension Database {
    /// `execute(sql:arguments:)` through the statement cache: one statement only.
    func cachedExecute(sql: String, arguments: StatementArguments = []) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}

extension Row {
    static func fetchAllCached(_ db: Database, sql: String, arguments: StatementArguments = []) throws -> [Row] {
        try fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }

    static func fetchOneCached(_ db: Database, sql: String, arguments: StatementArguments = []) throws -> Row? {
        try fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }
}

extension DatabaseValueConvertible {
    static func fetchOneCached(_ db: Database, sql: String, arguments: StatementArguments = []) throws -> Self? {
        try fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }

    static func fetchAllCached(_ db: Database, sql: String, arguments: StatementArguments = []) throws -> [Self] {
        try fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }
}
