import Foundation

/// Wakes a transport's sender loop. Each connection takes a fresh stream: an AsyncStream
/// ends for good when a task waiting on it is cancelled, as a dropped connection's sender is.
public final class WakeSignal: @unchecked Sendable {
    // Guarded by `lock`.
    private var current: AsyncStream<Void>.Continuation?
    private let lock = NSLock()

    public init() {}

    public func makeStream() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        lock.lock()
        current?.finish()
        current = continuation
        lock.unlock()
        return stream
    }

    public func signal() {
        lock.lock()
        current?.yield()
        lock.unlock()
    }
}
