import Foundation

/// Reads stdin line by line on its own thread, handing over one line at a time: the next
/// line is read only after the previous one was handled (SPEC §7).
final class ConsoleInput: Sendable {
    let lines: AsyncStream<[UInt8]>
    private let continuation: AsyncStream<[UInt8]>.Continuation
    private let handled = DispatchSemaphore(value: 0)

    init() {
        (lines, continuation) = AsyncStream.makeStream(of: [UInt8].self)
    }

    func start() {
        let continuation = self.continuation
        let handled = self.handled
        let thread = Thread {
            guard let input = fdopen(STDIN_FILENO, "r") else {
                continuation.finish()
                return
            }
            var buffer: UnsafeMutablePointer<CChar>?
            var capacity = 0
            while true {
                let n = getline(&buffer, &capacity, input)
                guard n >= 0, let buffer else { break }
                var bytes = [UInt8](UnsafeRawBufferPointer(start: buffer, count: n))
                if bytes.last == 0x0A { bytes.removeLast() }
                continuation.yield(bytes)
                handled.wait()
            }
            free(buffer)
            continuation.finish()
        }
        thread.start()
    }

    /// The consumer finished with the last line.
    func lineHandled() {
        handled.signal()
    }
}
