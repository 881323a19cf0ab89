/// A test waited longer than it should ever need: it fails instead of hanging.
public struct TimedOut: Error, CustomStringConvertible {
    public let description: String
}

/// `operation`'s result, or `TimedOut` (and `operation` cancelled) after `seconds`. The
/// limit is generous: it is there so a hang fails, not to measure anything.
public func within<T: Sendable>(_ what: String, seconds: Double = 30,
                                _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw TimedOut(description: "\(what): not within \(seconds) s")
        }
        return value
    }
}

/// Waits until `condition` holds, looking every 10 ms; `TimedOut` after `seconds`.
public func eventually(_ what: String, seconds: Double = 30, _ condition: @escaping @Sendable () async -> Bool) async throws {
    try await within(what, seconds: seconds) {
        while await !condition() {
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
