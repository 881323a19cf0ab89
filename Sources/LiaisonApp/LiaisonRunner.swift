import LiaisonConfig
import UnixSignals
import Foundation
import LiaisonCore
import LiaisonIRC
import LiaisonMatrix
import LiaisonStore
import Logging
import ServiceLifecycle

/// `liaison run`: load bot.conf, open the state file, run the networks until input ends or
/// a signal arrives. Returns the process exit code (SPEC §8).
public enum LiaisonRunner {
    public static func run(configPath: String) async -> Int32 {
        umask(0o077) // every file the bot creates is private (state file, WAL, backups)
        let config: LiaisonConfig
        do {
            config = try ConfigLoader.load(path: configPath)
        } catch {
            printError("liaison: \(error)")
            return 2
        }
        let level = Logger.Level(rawValue: config.logLevel) ?? .info
        let format = config.logFormat
        LoggingSystem.bootstrap { label in
            switch format {
            case .text:
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            case .json:
                var handler = JSONLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
        }
        let logger = Logger(label: "liaison")
        // Before the engine makes its metric handles, or they would be no-ops.
        let registry = config.metricsListen.map { _ in LiaisonMetrics.bootstrap() }
        var ircSettings: [IRCClientSettings] = []
        var matrixSettings: [MatrixSettings] = []
        do {
            ircSettings = try config.irc.map { try NetworkWiring.settings($0, version: LiaisonVersion.string) }
            matrixSettings = try config.matrix.map { try NetworkWiring.matrixSettings($0, botName: config.botName) }
        } catch {
            printError("liaison: \(error)")
            return 2
        }
        // One bot per state file: a second one would answer beside the first, deliver
        // twice and search a stale index.
        let lock: StateFileLock
        do {
            lock = try StateFileLock(statePath: config.statePath)
        } catch {
            printError("liaison: \(error)")
            return 1
        }
        defer { withExtendedLifetime(lock) {} }
        let engine: Engine
        do {
            engine = try Engine(config: config, logger: logger)
        } catch {
            printError("liaison: \(error is StoreError ? "\(error)" : "cannot open the state file \(config.statePath): \(error)")")
            return 1
        }
        if config.consoleEnabled && isatty(STDIN_FILENO) == 1 {
            printError("""
                Liaison console. Type lines as NAME: TEXT (private message) or NAME #CHANNEL: TEXT (in a channel).
                Try: alice: help    or    bob #networking: who knows about tax law?    Ctrl-D ends.
                """)
        }
        // Messages committed before a crash, and what came due while the bot was down.
        _ = await engine.tick()
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: EngineService(engine: engine)),
                                                                            .init(service: TimerService(engine: engine))]
        if let address = config.metricsListen, let registry {
            do {
                services.append(.init(service: try await MetricsServer.bind(address, engine: engine, registry: registry, logger: logger)))
            } catch {
                printError("liaison: cannot listen on \(address) for [metrics]: \(error)")
                return 1
            }
        }
        if let notifier = SystemdNotifier() {
            services.append(.init(service: SystemdService(notifier: notifier, engine: engine, logger: logger)))
        }
        for settings in ircSettings {
            let client = IRCClient(settings: settings, host: engine, logger: logger)
            await engine.register(network: settings.network) { client.outboxChanged() }
            // On shutdown it sends what it can for up to 3 s, then QUITs.
            services.append(.init(service: client))
        }
        for settings in matrixSettings {
            let client = MatrixClient(settings: settings, host: engine, logger: logger)
            await engine.register(network: settings.network) { client.outboxChanged() }
            // On shutdown it stops syncing and finishes the sends under way.
            services.append(.init(service: client))
        }
        if config.consoleEnabled {
            // Alone, the console's end of input ends the process; beside other networks it
            // only closes the console (SPEC §7).
            services.append(.init(service: ConsoleService(engine: engine, logger: logger),
                                  successTerminationBehavior: ircSettings.isEmpty && matrixSettings.isEmpty ? .gracefullyShutdownGroup : .ignore))
        }
        let group = ServiceGroup(configuration: .init(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        do {
            try await group.run()
        } catch {
            logger.error("stopped: \(error)")
            await engine.flush()
            return 1
        }
        await engine.flush()
        return 0
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
