import LiaisonIRCProtocol
import Foundation
public import LiaisonCore
public import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// One IRC network: connects (TCP or TLS), registers, keeps the connection alive and
/// reconnects with backoff; turns server lines into chat events for the host and delivers
/// the host's outbox with flood control.
public actor IRCClient {
    let settings: IRCClientSettings
    let host: any ChatHost
    let logger: Logger
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
    var lastReceived = Date()
    var pingSentAt: Date?
    var lastOutboxPoll = Date.distantPast
    var stopping = false
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
    var lastAwayRetry = Date()
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

    public init(settings: IRCClientSettings, host: any ChatHost, logger: Logger) {
        self.settings = settings
        self.host = host
        self.logger = logger
        inbound = IRCInbound(settings: settings)
        queue = FloodQueue(burst: settings.floodBurst, interval: settings.floodInterval)
    }

    /// Something new may be in the outbox.
    public nonisolated func outboxChanged() {
        wake.signal()
    }

    /// Runs until cancelled: connect, serve, and reconnect after any failure.
    public func run() async {
        while !Task.isCancelled && !stopping {
            do {
                try await connectAndServe()
            } catch is CancellationError {
                break
            } catch {
                logger.warning("\(settings.network): connection lost: \(error)")
            }
            await disconnected()
            guard !Task.isCancelled && !stopping else { break }
            let delay = backoff.nextDelay(using: &rng)
            logger.info("\(settings.network): reconnecting in \(String(format: "%.1f", delay)) s")
            // In short steps, so a shutdown during a long wait is not held up by it.
            let until = Date().addingTimeInterval(delay)
            while Date() < until, !stopping, !Task.isCancelled {
                do { try await Task.sleep(for: .milliseconds(200)) } catch { break }
            }
        }
    }

    /// Leave politely: QUIT, then the connection closes.
    public func quit(_ reason: String = "Liaison is shutting down") async {
        stopping = true
        // What is queued may go out for up to 3 s (SPEC §8); the rest stays in the outbox.
        let deadline = Date().addingTimeInterval(3)
        while writer != nil, !queue.isEmpty, Date() < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if let writer { try? await writer.write(IRCMessage(command: "QUIT", params: [reason]).serialized()) }
        writer?.finish()
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
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(15))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connect(host: hostname, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(QuickAckHandler())
                    if let ssl {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: ssl, serverHostname: sniName))
                    }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(IRCLineDecoder()))
                    try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(IRCLineEncoder()))
                    return try NIOAsyncChannel<String, String>(wrappingChannelSynchronously: channel)
                }
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
                // The first task to end (EOF, error, dead link) ends the connection.
                _ = try await group.next()
                group.cancelAll()
            }
        }
    }

    func connected(_ outbound: NIOAsyncChannelOutboundWriter<String>) {
        writer = outbound
        lastReceived = Date()
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
        if let since = registeredAt, Date().timeIntervalSince(since) > 60 { backoff.reset() }
        registeredAt = nil
        await host.networkReset(settings.network)
        await host.connectionChanged(network: settings.network, up: false)
    }

    /// Writes queued lines as the flood control allows; sleeps until woken or a token is due.
    func sendLoop() async throws {
        guard var wakes = wakes?.makeAsyncIterator() else { return }
        while !Task.isCancelled {
            // While lines wait for the bucket, keep reading the outbox so new targets join
            // the round robin instead of queueing behind a flood.
            if session.isRegistered, !queue.isEmpty, Date().timeIntervalSince(lastOutboxPoll) > 0.2 {
                await pullOutbox()
            }
            let (line, wait) = queue.next(now: Date())
            if let line {
                guard let writer else { return }
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
                try await Task.sleep(for: .milliseconds(max(1, Int(min(wait, 0.2) * 1000))))
                continue
            }
            if session.isRegistered, Date().timeIntervalSince(lastOutboxPoll) > 0.05 {
                await pullOutbox()
                if !queue.isEmpty { continue }
            }
            guard await wakes.next() != nil else { return }
            await pullOutbox()
        }
    }

    /// Keep-alive, dead-link detection, nick regain and retrying undelivered messages.
    func tickLoop() async throws {
        while !Task.isCancelled {
            try await Task.sleep(for: .seconds(1))
            let now = Date()
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
