/// A clock whose time never passes: every sleep lasts until its task is cancelled. A
/// transport run on it can end only by shutdown or cancellation, never because a timer ran
/// out, so a test of its lifecycle shows what the shutdown itself does.
public struct StoppedClock: Clock {
    public typealias Duration = Swift.Duration
    public typealias Instant = ContinuousClock.Instant

    private let start = ContinuousClock.now

    public init() {}

    public var now: Instant { start }
    public var minimumResolution: Duration { .nanoseconds(1) }

    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        while true {
            try await Task.sleep(for: .seconds(3600))
        }
    }
}
