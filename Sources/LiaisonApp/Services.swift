import Foundation
import Logging
import ServiceLifecycle

/// The console network as a service: reads stdin until it ends or shutdown begins.
struct ConsoleService: Service {
    let engine: Engine
    let logger: Logger

    func run() async throws {
        let input = ConsoleInput()
        input.start()
        var lineNumber = 0
        for await bytes in input.lines.cancelOnGracefulShutdown() {
            lineNumber += 1
            await engine.handleConsole(bytes, lineNumber: lineNumber)
            input.lineHandled()
        }
        // End of input: deliver what is due now and what the outbox holds (SPEC §7).
        _ = await engine.tick()
        logger.debug("console input ended after \(lineNumber) lines")
    }
}

/// The engine's inbox and its other wake-ups (`Engine.serve`). First in the group, so that
/// on shutdown it ends last, after every network has handed over what it received.
struct EngineService: Service {
    let engine: Engine

    func run() async throws {
        await engine.serve()
    }
}

/// Expiries, follow-ups and ends of `away`, from due times stored in the state file.
struct TimerService: Service {
    let engine: Engine

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    let next = await engine.tick()
                    // Wake at the next due time, and at least every second so a due time
                    // written by an event in between is never missed for long.
                    let wait = min(max(next?.timeIntervalSinceNow ?? 1, 0.05), 1)
                    try await Task.sleep(for: .milliseconds(Int(wait * 1000)))
                }
            }
        } catch is CancellationError {
            return
        }
    }
}
