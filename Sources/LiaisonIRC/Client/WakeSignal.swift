import NIOConcurrencyHelpers

/// Wakes the sender loop of the current connection. Each connection gets a fresh stream:
/// an AsyncStream ends for good when a task waiting on it is cancelled, as a dropped
/// connection's sender is.
final class WakeSignal: Sendable {
    private let current = NIOLockedValueBox<AsyncStream<Void>.Continuation?>(nil)

    func makeStream() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        current.withLockedValue { old in
            old?.finish()
            old = continuation
        }
        return stream
    }

    func signal() {
        current.withLockedValue { _ = $0?.yield() }
    }
}
