import Foundation
import Logging
import ServiceLifecycle

/// Tells systemd how the bot is (Type=notify): READY=1 once the state file is open and the
/// first network is up, STATUS= as networks come and go, WATCHDOG=1 at half of
/// `$WATCHDOG_USEC` while the engine answers, and STOPPING=1 when shutdown begins.
struct SystemdService: Service {
    let notifier: SystemdNotifier
    let engine: Engine
    let logger: Logger

    func run() async throws {
        let clock = ContinuousClock()
        let ping = notifier.pingInterval
        var nextPing = clock.now
        var ready = false
        var status = ""
        await withGracefulShutdownHandler {
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                // The engine answering is the liveness the watchdog stands for: a wedged
                // engine stops the pings and systemd restarts the bot.
                let health = await engine.health
                var lines: [String] = []
                if !ready, health.isStarted {
                    ready = true
                    lines.append("READY=1")
                    logger.info("systemd: ready (\(health.summary))")
                }
                if health.summary != status {
                    status = health.summary
                    lines.append("STATUS=" + status)
                }
                if let ping, clock.now >= nextPing {
                    lines.append("WATCHDOG=1")
                    nextPing = clock.now.advanced(by: ping)
                }
                if !lines.isEmpty, !notifier.notify(lines.joined(separator: "\n")) {
                    logger.warning("systemd: cannot write to NOTIFY_SOCKET \(notifier.socketPath)")
                }
                let step: Duration = .milliseconds(200)
                do { try await Task.sleep(for: min(step, ping ?? step)) } catch { return }
            }
        } onGracefulShutdown: {
            notifier.notify("STOPPING=1")
        }
    }
}
