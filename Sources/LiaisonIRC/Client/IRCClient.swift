import LiaisonIRCProtocol
public import Foundation
public import LiaisonCore
public import Logging
import NIOCore
import NIOPosix
import NIOSSL
public import ServiceLifecycle

/// One IRC network, as a service of the app's service group: connects (TCP or TLS),
/// registers, keeps the connection alive and reconnects with backoff; turns server lines
/// into chat events for the host and delivers the host's outbox with flood control. On
/// graceful shutdown it sends what it can for up to 3 s, then QUITs (SPEC §8); cancelled, it
/// closes the connection at once.
public actor IRCClient: Service {
    let settings: IRCClientSettings
    let host: any ChatHost
    let logger: Logger
    /// Every wait: reconnect backoff, flood pacing, the keep-alive tick, the shutdown's 3 s.
    let clock: any Clock<Duration>
    /// Wall-clock time for what is remembered between lines (silence, away checks, retries).
    let now: @Sendable () -> Date
    /// What the server's lines said (registration, users, membership reported); the
    /// decisions about each line are made there, and carried out here.
    var inbound: IRCInbound
    /// Read-only views of what `inbound` knows, for routing and history.
    var session: IRCSession { inbound.session }
    var users: IRCUsers { inbound.users }
    var queue: FloodQueue
    var backoff = Backoff()
    var rng = SystemRandomNumberGenerator()

    var writer: NIOAsyncChannelOutboundWriter<String>?
    var lastReceived: Date
    var pingSentAt: Date?
    var lastOutboxPoll = Date.distantPast
    /// This connection is being left (graceful shutdown): the sender writes what is queued
    /// (new rows still join lines waiting for the bucket), then QUIT.
    var leaving = false
    /// QUIT is written (by the sender, or when the 3 s are up): nothing more is, and the
    /// server closes the connection.
    var quitSent = false
    /// Outbox entries written or queued on this connection: lines still to confirm.
    var inFlight: [Int64: Int] = [:]
    /// Lines waiting for their echo (`echo-message`), oldest first.
    var awaitingEcho: [(target: String, text: String, entry: Int64?)] = []
    /// Accounts of people with undeliverable messages, and the nick being watched for them.
    var monitored: [String: String] = [:]
    /// People with mail whom nobody logged in to their account can take now: their rows are
    /// left out of outbox reads until a line from the server shows them again.
    var waiting: Set<Target> = []
    /// People online but away (AWAY, the WHOX G flag): their rows are left out of outbox
    /// reads until they are back, and looked at again every minute (a WHOX asks once more).
    var heldAway: Set<Target> = []
    var lastAwayRetry: Date
    var registeredAt: Date?
    /// draft/multiline batches opened on this connection (their references).
    var batches = 0
    /// Batches the server opened and has not closed, by reference.
    var openBatches: [String: OpenBatch] = [:]
    /// Targets whose unconfirmed lines from an earlier connection are looked for in the
    /// server's history (folded wire name), and those already looked at on this connection.
    var historyChecks: [String: HistoryCheck] = [:]
    var historyAsked: Set<String> = []
    /// The server refused CHATHISTORY on this connection.
    var historyRefused = false
    /// Outbox entries recorded as written on this connection.
    var markedWritten: Set<Int64> = []

    let wake = WakeSignal()
    /// The current connection's wake-ups.
    var wakes: AsyncStream<Void>?

    public init(settings: IRCClientSettings, host: any ChatHost, logger: Logger,
                clock: any Clock<Duration> = ContinuousClock(), now: @escaping @Sendable () -> Date = Date.init) {
        self.settings = settings
        self.host = host
        self.logger = logger
        self.clock = clock
        self.now = now
        inbound = IRCInbound(settings: settings)
        queue = FloodQueue(burst: settings.floodBurst, interval: settings.floodInterval, now: now())
        lastReceived = now()
        lastAwayRetry = now()
    }

    /// Something new may be in the outbox.
    public nonisolated func outboxChanged() {
        wake.signal()
    }

    /// Runs until graceful shutdown or cancellation: connect, serve, and reconnect after any
    /// failure.
    public func run() async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await connectAndServe()
            } catch is CancellationError {
                break
            } catch {
                if !quitSent && !Task.isShuttingDownGracefully { logger.warning("\(settings.network): connection lost: \(error)") }
            }
            await disconnected()
            guard !Task.isCancelled && !Task.isShuttingDownGracefully else { break }
            let delay = backoff.nextDelay(using: &rng)
            logger.info("\(settings.network): reconnecting in \(String(format: "%.1f", delay)) s")
            // A shutdown during the wait ends it.
            let clock = clock
            do {
                try await cancelWhenGracefulShutdown { try await clock.sleep(for: .seconds(delay)) }
            } catch {
                break
            }
        }
        if quitSent { logger.info("\(settings.network): left the network") }
    }

    func tlsContext() throws -> NIOSSLContext? {
        guard settings.tls else { return nil }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = settings.tlsVerify ? .fullVerification : .none
        if let file = settings.clientCertFile {
            let chain = try NIOSSLCertificate.fromPEMFile(file)
            configuration.certificateChain = chain.map { .certificate($0) }
            configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: file, format: .pem))
        }
        return try NIOSSLContext(configuration: configuration)
    }

    func connectAndServe() async throws {
        let ssl = try tlsContext()
        let hostname = settings.host
        // SNI and name checks need a name, not an address.
        let sniName: String? = hostname.contains(where: \.isLetter) && !hostname.contains(":") ? hostname : nil
        if ssl != nil, settings.tlsVerify, sniName == nil {
            logger.warning("\(settings.network): host is an address: the certificate chain is verified, its name cannot be; use the server's name")
        }
        logger.info("\(settings.network): connecting to \(hostname):\(settings.port)\(ssl == nil ? "" : " (TLS)")")
        // A connect can wait for its timeout (15 s), and awaiting it ignores cancellation: a
        // shutdown meanwhile closes the channel, which ends the connect at once.
        let connecting = ConnectingChannel()
        let channel = try await withGracefulShutdownHandler {
            try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.milliseconds(Int64(settings.connectTimeout * 1000)))
                .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                .connect(host: hostname, port: settings.port) { channel in
                    connecting.began(channel)
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(QuickAckHandler())
                        if let ssl {
                            try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: ssl, serverHostname: sniName))
                        }
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(IRCLineDecoder()))
                        try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(IRCLineEncoder()))
                        return try NIOAsyncChannel<String, String>(wrappingChannelSynchronously: channel)
                    }
                }
        } onGracefulShutdown: {
            connecting.abandon()
        }
        try await channel.executeThenClose { inbound, outbound in
            await self.connected(outbound)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for try await line in inbound { await self.receive(line) }
                    throw IRCError.closedByServer
                }
                group.addTask { try await self.sendLoop() }
                group.addTask { try await self.tickLoop() }
                group.addTask { try await self.leaveOnShutdown() }
                // The first task to end (EOF, error, dead link, the time given to leave)
                // ends the connection.
                _ = try await group.next()
                group.cancelAll()
            }
        }
    }

    func connected(_ outbound: NIOAsyncChannelOutboundWriter<String>) {
        writer = outbound
        leaving = false
        quitSent = false
        lastReceived = now()
        pingSentAt = nil
        queue.clear()
        wakes = wake.makeStream()
        for line in inbound.connected() { queue.pushPriority(.init(line.serialized())) }
        wake.signal()
    }

    func disconnected() async {
        writer = nil
        queue.clear()
        inFlight = [:]
        awaitingEcho = []
        inbound.disconnected()
        monitored = [:]
        waiting = []
        heldAway = []
        openBatches = [:]
        historyChecks = [:]
        historyAsked = []
        historyRefused = false
        markedWritten = []
        batches = 0
        // A connection that held for a minute resets the backoff; one dropped at once does not.
        if let since = registeredAt, now().timeIntervalSince(since) > 60 { backoff.reset() }
        registeredAt = nil
        await host.networkReset(settings.network)
        await host.connectionChanged(network: settings.network, up: false)
    }

    /// Writes queued lines as the flood control allows; sleeps until woken or a token is due.
    /// When the connection is being left, it ends with QUIT once the queue is empty (lines
    /// waiting for the bucket still go out, and new rows join them as before).
    func sendLoop() async throws {
        guard var wakes = wakes?.makeAsyncIterator() else { return }
        while !Task.isCancelled && !quitSent {
            // While lines wait for the bucket, keep reading the outbox so new targets join
            // the round robin instead of queueing behind a flood.
            if session.isRegistered, !queue.isEmpty, now().timeIntervalSince(lastOutboxPoll) > 0.2 {
                await pullOutbox()
            }
            let (line, wait) = queue.next(now: now())
            if let line {
                guard let writer, !quitSent else { break }
                // Expect the echo before writing: it may arrive before write() returns.
                let echoed = expectEcho(line)
                try await writer.write(contentsOf: line.wireLines)
                if !echoed {
                    await lineWritten(line)
                } else if let entry = line.entry, checksHistory, markedWritten.insert(entry).inserted {
                    // Written, echo awaited: after a crash, history may show it arrived.
                    await host.written([entry])
                }
                continue
            }
            if let wait {
                try await clock.sleep(for: .milliseconds(max(1, Int(min(wait, 0.2) * 1000))))
                continue
            }
            // Leaving, and nothing is queued now: QUIT.
            if leaving { break }
            if session.isRegistered, now().timeIntervalSince(lastOutboxPoll) > 0.05 {
                await pullOutbox()
                if !queue.isEmpty { continue }
            }
            guard await wakes.next() != nil else { return }
            // Woken to leave: what is queued goes, nothing more is read.
            if !leaving { await pullOutbox() }
        }
        guard leaving, !Task.isCancelled else { return }
        if !quitSent { try await quit() }
        // The server closes the connection on QUIT; one that has not within 2 s has it
        // closed here.
        try await clock.sleep(for: .seconds(2))
    }

    /// Graceful shutdown: the sender is told to leave (what is queued may go out for up to
    /// 3 s, SPEC §8; the rest stays in the outbox). When the 3 s are up, QUIT goes out from
    /// here, whatever the sender is waiting for; 2 s later the connection is closed.
    func leaveOnShutdown() async throws {
        try await gracefulShutdown()
        leaving = true
        wake.signal()
        try await clock.sleep(for: .seconds(3))
        if !quitSent { try await quit() }
        try await clock.sleep(for: .seconds(2))
    }

    /// The last line on this connection.
    func quit() async throws {
        guard let writer else { return }
        quitSent = true
        try await writer.write(IRCMessage(command: "QUIT", params: ["Liaison is shutting down"]).serialized())
        writer.finish()
    }

    /// Keep-alive, dead-link detection, nick regain and retrying undelivered messages.
    func tickLoop() async throws {
        while !Task.isCancelled {
            try await clock.sleep(for: .seconds(1))
            let now = self.now()
            let silent = now.timeIntervalSince(lastReceived)
            if silent > settings.pingTimeout {
                logger.warning("\(settings.network): no traffic for \(Int(silent)) s; reconnecting")
                throw IRCError.pingTimeout
            }
            if silent > settings.pingTimeout / 2, pingSentAt == nil {
                pingSentAt = now
                send(priority: IRCMessage(command: "PING", params: ["liaison-\(Int(now.timeIntervalSince1970))"]))
            }
            if session.isRegistered, session.nick != session.desiredNick, !inbound.nickRefused,
               now.timeIntervalSince(inbound.lastNickAttempt) > 30 {
                inbound.lastNickAttempt = now
                send(priority: IRCMessage(command: "NICK", params: [session.desiredNick]))
            }
            if session.isRegistered, now.timeIntervalSince(lastOutboxPoll) > 5 { wake.signal() }
            let unanswered = historyChecks.filter { now.timeIntervalSince($0.value.asked) > 15 }.map(\.key)
            if !unanswered.isEmpty { abandonHistory(unanswered) }
            // Away news reaches the bot only in shared channels (away-notify); anyone else
            // held as away is asked about again (WHOX) once a minute.
            if now.timeIntervalSince(lastAwayRetry) > 60 {
                lastAwayRetry = now
                if !heldAway.isEmpty {
                    heldAway = []
                    wake.signal()
                }
            }
        }
    }

    func send(priority message: IRCMessage) {
        queue.pushPriority(.init(message.serialized()))
        wake.signal()
    }
}

enum IRCError: Error, CustomStringConvertible {
    case pingTimeout
    case closedByServer

    var description: String {
        switch self {
        case .pingTimeout: "ping timeout"
        case .closedByServer: "closed by the server"
        }
    }
}

/// The channel of a connect under way, so that a shutdown can close it before it connects
/// (the shutdown handler is only installed while the connect is awaited).
final class ConnectingChannel: @unchecked Sendable {
    private let lock = NSLock()
    private var channel: (any Channel)?
    private var abandoned = false

    /// The connect made its channel: closed at once if the shutdown came first.
    func began(_ channel: any Channel) {
        lock.lock()
        self.channel = channel
        let close = abandoned
        lock.unlock()
        if close { channel.close(promise: nil) }
    }

    /// Shutdown: a connect still under way ends now. One that connected in the meantime is
    /// left alone, to QUIT as usual.
    func abandon() {
        lock.lock()
        abandoned = true
        let pending = channel?.isActive == true ? nil : channel
        lock.unlock()
        pending?.close(promise: nil)
    }
}
