import Foundation
import LiaisonCore
import LiaisonStore
import Testing

/// A store backend under test. Every contract test runs once per backend, so a new backend
/// (PostgreSQL, issue 16) is added here and passes the same tests unchanged.
struct Backend: Sendable, CustomTestStringConvertible {
    let name: String
    /// A new, empty place for a store: opened as often as a test likes (a restart), removed
    /// when the test ends.
    let makePlace: @Sendable () throws -> any StorePlace

    var testDescription: String { name }

    static let all: [Backend] = [
        Backend(name: "SQLite file") { try SQLiteFilePlace() },
    ]
}

/// Where one test's data lives: a state file, a database.
protocol StorePlace: AnyObject {
    /// Opens the store there: the first time on an empty place, later as a restart would.
    func open() throws -> any Store
    /// Removes every trace of the place (called once, at the end of the test).
    func remove()
}

final class SQLiteFilePlace: StorePlace {
    let directory: URL
    var path: String { directory.appendingPathComponent("state.db").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("liaison-contract-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func open() throws -> any Store { try SQLiteStore(path: path) }
    func remove() { try? FileManager.default.removeItem(at: directory) }
}

extension Backend {
    /// Runs `body` with a fresh place of this backend, removed afterwards.
    func withPlace<T>(_ body: (any StorePlace) throws -> T) throws -> T {
        let place = try makePlace()
        defer { place.remove() }
        return try body(place)
    }

    /// Runs `body` with a store opened on a fresh place.
    func withStore<T>(_ body: (any Store) throws -> T) throws -> T {
        try withPlace { place in try body(try place.open()) }
    }
}

extension Store {
    func allTopics() throws -> [Topic] {
        var all: [Topic] = []
        try forEachTopic { all.append($0) }
        return all
    }
}
