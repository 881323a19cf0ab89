import LiaisonMatrix
import LiaisonConfig
import Metrics
import Foundation
import LiaisonCore
import LiaisonIRC
import LiaisonStore
import Logging
import ServiceLifecycle

/// Owns the broker and the state file, and serialises everything that touches them: one
/// event (or timer tick) at a time, committed, then its messages delivered.
actor Engine {
    private let broker: Broker
    private let store: SQLiteStore
    private let logger: Logger
    private let clock: @Sendable () -> Date
    let botName: String
    private let consoleRuns: Bool
    /// Wakes each live network's transport when its outbox may have grown.
    private var wakers: [String: @Sendable () -> Void] = [:]
    /// Console names as last typed: replies address people by their current name, even
    /// right after `forget` removed the stored one.
    private var consoleNames: [Identity: String] = [:]
    let metrics: EngineMetrics
    /// Only with `[metrics] listen`: timing a delivery costs a read of the outbox rows.
    private let timesDeliveries: Bool
    /// What /readyz and systemd's READY=1 are decided from.
    private(set) var health: Health
    /// Messages received and not yet handled (`settle`), and whether a settle is queued.
    private var inbox: [IncomingMessage] = []
    private var draining = false
    /// What wakes the engine's own loop (`serve`).
    enum Wake: Sendable {
        /// Messages wait in the inbox.
        case inbox
        /// WordNet is read.
        case lexicon
    }
    private let wakes: AsyncStream<Wake>
    private let wakeUp: AsyncStream<Wake>.Continuation

    init(config: LiaisonConfig, logger: Logger, clock: @escaping @Sendable () -> Date = { Date() }) throws {
        self.logger = logger
        self.clock = clock
        self.botName = config.botName
        self.consoleRuns = config.consoleEnabled
        let (wakes, wakeUp) = AsyncStream.makeStream(of: Wake.self)
        self.wakes = wakes
        self.wakeUp = wakeUp
        store = try SQLiteStore(path: config.statePath)
        var networks = config.consoleEnabled ? [NetworkName.console] : []
        networks += config.irc.map(\.name) + config.matrix.map(\.name)
        let metrics = EngineMetrics(networks: networks)
        self.metrics = metrics
        timesDeliveries = config.metricsListen != nil
        health = Health(networks: config.irc.map(\.name) + config.matrix.map(\.name))
        broker = try Broker(settings: config.broker, store: MeteredStore(store, commitLatency: metrics.commitLatency), networks: networks,
                            lexicon: .systemWhenLoaded)
        broker.observe = { metrics.record($0) }
        health.stateOpen = true
        for irc in config.irc { broker.register(.irc(network: irc.name, nickIdentity: irc.identity == .nick)) }
        for matrix in config.matrix { broker.register(.matrix(network: matrix.name)) }
        let path = config.filePath
        var configuredChannels = Set(config.irc.flatMap { irc in irc.channels.map { "\(irc.name) \($0.lowercased())" } })
        let log = logger
        broker.log = { line in
            if line.hasPrefix("warning:") {
                log.warning("\(line.dropFirst(9))")
            } else if line.hasPrefix("error:") {
                log.error("\(line.dropFirst(7))")
            } else {
                log.info("\(line.hasPrefix("info: ") ? String(line.dropFirst(6)) : line)")
            }
        }
        broker.reloader = {
            let fresh: LiaisonConfig
            do {
                fresh = try ConfigLoader.load(path: path)
            } catch let error as ConfigError {
                throw Refusal("bot.conf has an error, so nothing changed: \(error.description)")
            }
            log.info("configuration reloaded from \(path)")
            let s = fresh.broker
            var joins: [(network: String, channel: String)] = []
            for irc in fresh.irc {
                for channel in irc.channels where !configuredChannels.contains("\(irc.name) \(channel.lowercased())") {
                    joins.append((irc.name, channel))
                }
            }
            configuredChannels = Set(fresh.irc.flatMap { irc in irc.channels.map { "\(irc.name) \($0.lowercased())" } })
            return (s, "\(Text.plural(s.admins.count, "admin")), offers_per_request \(s.offersPerRequest), offer_ttl \(DurationText.format(s.offerTTL)), request_ttl \(DurationText.format(s.requestTTL))\(joins.isEmpty ? "" : "; joining \(joins.map(\.channel).joined(separator: ", "))").", joins)
        }
        let indexed = broker.index.count
        logger.info("state file \(config.statePath) open, \(indexed) topics indexed")
        Lexicon.loadInBackground { [logger] outcome in
            switch outcome {
            case .loaded(let lemmas, let seconds):
                logger.info("WordNet loaded (\(lemmas) words, \(String(format: "%.1f", seconds)) s): matching now expands related words")
                // Questions asked while it was read were matched without related words.
                wakeUp.yield(.lexicon)
            case .missing(let directory):
                logger.warning("WordNet not found in \(directory): matching works without related words (install wordnet-base or set LIAISON_WORDNET)")
            }
        }
    }

    /// The engine's own loop (`EngineService`): handles the inbox whenever messages wait,
    /// and what was asked before WordNet once it is read. On graceful shutdown it handles
    /// what the inbox still holds, then ends.
    func serve() async {
        for await wake in wakes.cancelOnGracefulShutdown() {
            switch wake {
            case .inbox: settle()
            case .lexicon: lexiconArrived()
            }
        }
        settle()
    }

    /// WordNet is read: open requests with no offer pending ask whom it now finds.
    private func lexiconArrived() {
        settle()
        let offers = broker.lexiconArrived(now: clock())
        if offers > 0 { logger.info("with WordNet read, open requests made \(Text.plural(offers, "offer"))") }
        flush()
    }

    /// One console line: committed and its replies written before the next is read.
    func handleConsole(_ bytes: [UInt8], lineNumber: Int) {
        switch ConsoleLine.parse(bytes, botName: botName) {
        case .ignored:
            return
        case .invalid:
            FileHandle.standardError.write(Data("console: line \(lineNumber): expected \"NAME: TEXT\" or \"NAME #CHANNEL: TEXT\"\n".utf8))
        case .tooLong(let bytes):
            FileHandle.standardError.write(Data("console: line \(lineNumber): the line is \(bytes) bytes long; it can be at most \(ConsoleLine.maxBytes)\n".utf8))
        case .botsOwnName:
            FileHandle.standardError.write(Data("console: line \(lineNumber): \(botName) is my own name; type as yourself, like \"alice: help\", or in a channel \"alice #general: \(botName): help\"\n".utf8))
        case .message(let name, let channel, let text):
            settle()
            consoleNames[.console(name)] = name
            let message = IncomingMessage(sender: .console(name), displayName: name,
                                          place: channel.map { .channel($0) } ?? .direct,
                                          text: text, botNick: botName)
            broker.handle(message, now: clock())
            flush()
        }
    }

    /// Runs whatever is due and returns when the next thing is due.
    func tick() -> Date? {
        settle()
        let next = broker.runDue(now: clock())
        flush()
        return next
    }

    func register(network: String, wake: @escaping @Sendable () -> Void) {
        wakers[network] = wake
    }

    /// Delivers what the outbox holds, oldest first: the console here, other networks by
    /// waking their transports, which read the outbox themselves.
    func flush() {
        for wake in wakers.values { wake() }
        guard consoleRuns else { return }
        do {
            while true {
                let entries = try store.pendingOutbox(network: NetworkName.console, now: clock(), waiting: [], after: 0, limit: 200)
                guard !entries.isEmpty else { return }
                var lines: [String] = []
                for entry in entries {
                    lines += ConsoleOutput.lines(for: entry) { id in
                        self.consoleNames[id] ?? (try? self.store.displayName(of: id)) ?? id.id
                    }
                }
                ConsoleOutput.write(lines)
                try markSent(entries.map(\.id))
            }
        } catch {
            logger.error("could not deliver the outbox: \(error)")
        }
    }
}

extension Engine: ChatHost {
    /// Queued, and handled with whatever else arrived meanwhile in one group commit (one
    /// sync for the lot); replies go out once that commit is on disk.
    func received(_ message: IncomingMessage) {
        inbox.append(message)
        guard !draining else { return }
        draining = true
        wakeUp.yield(.inbox)
    }

    func membership(_ identity: Identity, channels: Set<String>) {
        settle()
        broker.setLiveChannels(identity, channels)
    }

    func networkReset(_ network: String) {
        settle()
        broker.resetLiveChannels(network: network)
    }

    func identityEnded(_ identity: Identity) {
        settle()
        broker.identityEnded(identity, now: clock())
        flush()
    }

    func kicked(network: String, channel: String) {
        settle()
        broker.kicked(network: network, channel: channel, now: clock())
    }

    func invited(by identity: Identity, verified: Bool, network: String, channel: String) -> Bool {
        settle()
        return broker.invited(by: identity, verified: verified, network: network, channel: channel, now: clock())
    }

    func channelsToJoin(network: String, configured: [String]) -> [String] {
        let settings = ((try? store.channelSettings()) ?? []).filter { $0.network == network }
        let parted = Set(settings.filter { $0.joined == false }.map { $0.channel.lowercased() })
        var channels = configured.filter { !parted.contains($0.lowercased()) }
        for s in settings where s.joined == true && !channels.contains(where: { $0.lowercased() == s.channel.lowercased() }) {
            channels.append(s.channel)
        }
        return channels
    }

    func outbox(network: String, waiting: Set<Target>, after: Int64) -> [OutboxEntry] {
        settle()
        do {
            return try store.pendingOutbox(network: network, now: clock(), waiting: waiting, after: after, limit: 500)
        } catch {
            logger.error("could not read the outbox: \(error)")
            return []
        }
    }

    func delivered(_ ids: [Int64]) {
        do { try markSent(ids) } catch { logger.error("could not mark messages sent: \(error)") }
    }

    func written(_ ids: [Int64]) {
        do { try store.markWritten(ids, at: clock()) } catch { logger.error("could not mark messages written: \(error)") }
    }

    func connectionChanged(network: String, up: Bool) {
        if health.set(network, up: up) { metrics.reconnected(network: network) }
        metrics.setConnected(health.up.contains(network), network: network)
    }

    func displayName(_ identity: Identity) -> String? {
        try? store.displayName(of: identity)
    }

    func redacted(network: String, eventID: String, by: Identity) {
        settle()
        broker.redacted(network: network, eventID: eventID, by: by, now: clock())
        flush()
    }

    func networkState(network: String, key: String) -> String? {
        try? store.networkState(network: network, key: key)
    }

    func setNetworkState(network: String, key: String, value: String?) -> Bool {
        do {
            try store.setNetworkState(network: network, key: key, value: value)
            return true
        } catch {
            logger.error("could not save \(network) state: \(error)")
            return false
        }
    }

    func setCanonicalizer(network: String, _ fold: @escaping @Sendable (String) -> String) {
        broker.setCanonicalizer(network: network, fold)
    }
}

extension Engine {
    /// Handles every queued message now, in order, each in a savepoint of one commit, then
    /// delivers. Everything else that touches the broker settles first, so events keep the
    /// order they arrived in.
    func settle() {
        while !inbox.isEmpty {
            let batch = inbox
            inbox = []
            let start = ContinuousClock.now
            do {
                try store.group {
                    for message in batch { broker.handle(message, now: clock()) }
                }
                // The group's commit, its sync included.
                metrics.commitLatency.record(duration: ContinuousClock.now - start)
            } catch {
                // The commit itself failed: nothing of the batch is in the state file, so the
                // index may not keep what the broker told it either.
                logger.error("could not commit \(batch.count) message(s): \(error)")
                do { try broker.rebuildIndex() } catch { logger.error("could not rebuild the index: \(error)") }
            }
            flush()
        }
        draining = false
    }

    /// Removes delivered messages from the outbox, timing each from its commit.
    private func markSent(_ ids: [Int64]) throws {
        if timesDeliveries {
            let now = clock()
            for entry in (try? store.queuedTimes(ids)) ?? [] {
                metrics.delivered(after: now.timeIntervalSince(entry.queuedAt), network: entry.network)
            }
        }
        try store.markSent(ids)
    }

    /// Brings the gauges read at scrape time up to date (the outbox depth per network).
    func refreshGauges() {
        let depths = (try? store.outboxDepths(now: clock())) ?? [:]
        for network in metrics.networks { metrics.setOutboxDepth(depths[network] ?? 0, network: network) }
    }
}
