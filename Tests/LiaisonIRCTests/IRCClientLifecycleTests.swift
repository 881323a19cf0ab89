import Foundation
import Glibc
import LiaisonCore
import LiaisonIRCProtocol
import LiaisonTestSupport
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Testing
@testable import LiaisonIRC

/// IRCClient as a service: run in a ServiceGroup against a loopback server that plays the
/// recorded ngIRCd registration. The clock never moves (StoppedClock), so whatever ends here
/// ends because of the shutdown or the cancellation, not because a wait ran out.
@Suite struct IRCClientLifecycleTests {
    static func settings(port: Int) -> IRCClientSettings {
        IRCClientSettings(network: "test", host: "127.0.0.1", port: port, tls: false, tlsVerify: false, nick: "recbot",
                          sasl: .none, clientCertFile: nil, channels: ["#rec"], identityByNick: true,
                          listensToQuestions: true, ignore: [], floodBurst: 5, floodInterval: 0, pingTimeout: 120,
                          version: "test")
    }

    static func client(port: Int, host: OutboxHost) -> IRCClient {
        IRCClient(settings: settings(port: port), host: host, logger: Logger(label: "test"), clock: StoppedClock())
    }

    static func group(_ client: IRCClient) -> ServiceGroup {
        ServiceGroup(services: [client], gracefulShutdownSignals: [], cancellationSignals: [], logger: Logger(label: "test"))
    }

    // Each run is a Task of the test's own, so that a run that never ends fails the test
    // (`within`) instead of hanging it.

    @Test func aGracefulShutdownQuitsAndRunEnds() async throws {
        let server = try await LoopbackIRCServer.start()
        let serving = Task { try await server.serve() }
        let host = OutboxHost()
        let client = Self.client(port: server.port, host: host)
        let group = Self.group(client)
        let running = Task { try await group.run() }
        try await eventually("registered and in #rec") { server.received.contains("JOIN #rec") }
        try await eventually("the server's PING answered") { server.received.contains("PONG alive") }
        await host.add(OutboxEntry(id: 1, kind: .message, target: .channel(network: "test", name: "#rec"), text: "a word"))
        client.outboxChanged()
        try await eventually("the outbox delivered") { await host.delivered == [1] }
        await group.triggerGracefulShutdown()
        try await within("run() ends after QUIT") { try await running.value }
        server.close()
        try await within("the server stops") { try await serving.value }

        let lines = server.received
        #expect(lines.contains("PRIVMSG #rec :a word"))
        #expect(lines.last == "QUIT :Liaison is shutting down", "QUIT, and nothing after it")
        #expect(server.connections == 1 && server.closed == 1, "the server closed the connection; no new one")
    }

    /// Lines that wait for the flood bucket when the shutdown begins, on a clock the test
    /// moves in steps of 200 ms, each once every wait has started (the keep-alive tick, the
    /// shutdown's 3 s and the sender's wait for a token).
    static func leave(floodInterval: TimeInterval) async throws -> (lines: [String], host: OutboxHost) {
        let server = try await LoopbackIRCServer.start()
        let serving = Task { try await server.serve() }
        let host = OutboxHost()
        let clock = ManualClock()
        var settings = Self.settings(port: server.port)
        settings.floodBurst = 1
        settings.floodInterval = floodInterval
        let client = IRCClient(settings: settings, host: host, logger: Logger(label: "test"), clock: clock, now: { clock.date })
        let group = Self.group(client)
        let running = Task { try await group.run() }
        try await eventually("registered and in #rec") { server.received.contains("JOIN #rec") }
        for id in Int64(1)...3 {
            await host.add(OutboxEntry(id: id, kind: .message, target: .channel(network: "test", name: "#rec"), text: "line \(id)"))
        }
        client.outboxChanged()
        try await eventually("the first line out, the others waiting for the bucket") {
            server.received.contains("PRIVMSG #rec :line 1") && clock.sleeping == 2
        }
        await group.triggerGracefulShutdown()
        try await eventually("QUIT") {
            guard !server.received.contains(where: { $0.hasPrefix("QUIT") }) else { return true }
            if clock.sleeping == 3 { clock.advance(by: .milliseconds(200)) }
            return false
        }
        try await within("run() ends") { try await running.value }
        server.close()
        try await within("the server stops") { try await serving.value }
        return (server.received, host)
    }

    @Test func linesWaitingForTheFloodBucketGoOutBeforeQuit() async throws {
        let (lines, host) = try await Self.leave(floodInterval: 1)
        let quit = try #require(lines.firstIndex(of: "QUIT :Liaison is shutting down"))
        #expect(lines.filter { $0.hasPrefix("PRIVMSG") } == ["PRIVMSG #rec :line 1", "PRIVMSG #rec :line 2", "PRIVMSG #rec :line 3"])
        #expect(lines.lastIndex { $0.hasPrefix("PRIVMSG") }.map { $0 < quit } == true)
        #expect(await host.delivered == [1, 2, 3])
    }

    @Test func afterThreeSecondsQuitGoesOutAndTheRestStaysInTheOutbox() async throws {
        let (lines, host) = try await Self.leave(floodInterval: 10)
        #expect(lines.filter { $0.hasPrefix("PRIVMSG") } == ["PRIVMSG #rec :line 1"])
        #expect(lines.last == "QUIT :Liaison is shutting down")
        #expect(await host.delivered == [1])
        #expect(await host.pending.map(\.id) == [2, 3], "for the next connection")
    }

    @Test func cancellationClosesTheConnectionAndEndsRun() async throws {
        let server = try await LoopbackIRCServer.start()
        let serving = Task { try await server.serve() }
        let host = OutboxHost()
        let client = Self.client(port: server.port, host: host)
        let running = Task { await client.run() }
        try await eventually("registered") { await host.ups > 0 }
        running.cancel()
        try await within("run() ends") { await running.value }
        try await eventually("the server sees the connection closed") { server.closed == 1 }
        server.close()
        try await within("the server stops") { try await serving.value }

        #expect(!server.received.contains { $0.hasPrefix("QUIT") }, "cancelled: no leave-taking")
        #expect(server.connections == 1, "and no new connection")
    }

    /// A shutdown while the TCP connect is still under way (a listener whose accept queue is
    /// full never answers the SYN) ends run(), without waiting for the connect's timeout
    /// (set to 120 s here, far beyond the test's limit).
    @Test func aGracefulShutdownDuringTheConnectEndsRun() async throws {
        let listener = try FullListener()
        defer { listener.close() }
        #expect(!listener.acceptsAConnect(withinMilliseconds: 300), "a connect to it hangs")
        var settings = Self.settings(port: listener.port)
        settings.connectTimeout = 120
        let client = IRCClient(settings: settings, host: OutboxHost(), logger: Logger(label: "test"), clock: StoppedClock())
        let group = Self.group(client)
        let running = Task { try await group.run() }
        try await Task.sleep(for: .milliseconds(300))
        await group.triggerGracefulShutdown()
        try await within("run() ends before the connect times out", seconds: 60) { try await running.value }
    }

    @Test func aGracefulShutdownWhileWaitingToReconnectEndsRun() async throws {
        // A port nobody listens on: every connection is refused, and the client waits to retry.
        let gone = try await LoopbackIRCServer.start()
        let serving = Task { try await gone.serve() }
        gone.close()
        try await within("the server stops") { try await serving.value }
        let host = OutboxHost()
        let group = Self.group(Self.client(port: gone.port, host: host))
        let running = Task { try await group.run() }
        try await eventually("the first attempt failed") { await host.downs > 0 }
        await group.triggerGracefulShutdown()
        try await within("run() ends during the wait to reconnect") { try await running.value }
        #expect(await host.downs == 1, "no second attempt after the shutdown")
    }

    @Test func aServerThatKeepsTheConnectionAfterQuitDoesNotHoldTheShutdown() async throws {
        let server = try await LoopbackIRCServer.start(closesOnQuit: false)
        let serving = Task { try await server.serve() }
        let host = OutboxHost()
        // A real clock here: the server is given a bounded time to close after QUIT.
        let client = IRCClient(settings: Self.settings(port: server.port), host: host, logger: Logger(label: "test"))
        let group = Self.group(client)
        let running = Task { try await group.run() }
        try await eventually("registered") { await host.ups > 0 }
        await group.triggerGracefulShutdown()
        try await within("run() ends although the server keeps the connection") { try await running.value }
        try await eventually("the client closed it") { server.closed == 1 }
        server.close()
        try await within("the server stops") { try await serving.value }
        #expect(server.received.last == "QUIT :Liaison is shutting down")
    }
}

/// The bot's side: an outbox to deliver, and what the client reports.
actor OutboxHost: ChatHost {
    var pending: [OutboxEntry] = []
    var delivered: [Int64] = []
    var ups = 0
    var downs = 0

    func add(_ entry: OutboxEntry) { pending.append(entry) }

    func connectionChanged(network: String, up: Bool) {
        if up { ups += 1 } else { downs += 1 }
    }

    func outbox(network: String, waiting: Set<Target>, after: Int64) -> [OutboxEntry] {
        pending.filter { $0.id > after && !waiting.contains($0.target) }
    }

    func delivered(_ ids: [Int64]) {
        delivered += ids
        pending.removeAll { ids.contains($0.id) }
    }

    func received(_ message: IncomingMessage) {}
    func membership(_ identity: Identity, channels: Set<String>) {}
    func networkReset(_ network: String) {}
    func identityEnded(_ identity: Identity) {}
    func kicked(network: String, channel: String) {}
    func invited(by identity: Identity, verified: Bool, network: String, channel: String) -> Bool { false }
    func channelsToJoin(network: String, configured: [String]) -> [String] { configured }
    func displayName(_ identity: Identity) -> String? { nil }
    func redacted(network: String, eventID: String, by: Identity) {}
    func networkState(network: String, key: String) -> String? { nil }
    func setNetworkState(network: String, key: String, value: String?) -> Bool { true }
    func setCanonicalizer(network: String, _ fold: @escaping @Sendable (String) -> String) {}
}

/// An IRC server on 127.0.0.1 that answers as ngIRCd did (`Recorded.ngircdRegistration`):
/// capability negotiation, registration, JOIN and PING; on QUIT it says ERROR and closes
/// the connection, as servers do. Records every line it receives.
final class LoopbackIRCServer: Sendable {
    private let channel: NIOAsyncChannel<NIOAsyncChannel<String, String>, Never>
    private let closesOnQuit: Bool
    private let state = Locked<(lines: [String], connections: Int, closed: Int)>(([], 0, 0))
    let port: Int

    private init(channel: NIOAsyncChannel<NIOAsyncChannel<String, String>, Never>, closesOnQuit: Bool) {
        self.channel = channel
        self.closesOnQuit = closesOnQuit
        port = channel.channel.localAddress?.port ?? 0
    }

    static func start(closesOnQuit: Bool = true) async throws -> LoopbackIRCServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(ByteToMessageHandler(IRCLineDecoder()))
                    try child.pipeline.syncOperations.addHandler(MessageToByteHandler(IRCLineEncoder()))
                    return try NIOAsyncChannel<String, String>(wrappingChannelSynchronously: child)
                }
            }
        return LoopbackIRCServer(channel: channel, closesOnQuit: closesOnQuit)
    }

    /// Every line received, on every connection, in order.
    var received: [String] { state.withLockedValue { $0.lines } }
    var connections: Int { state.withLockedValue { $0.connections } }
    /// Connections the client closed (or that the server closed after QUIT).
    var closed: Int { state.withLockedValue { $0.closed } }

    /// Accepts connections until `close()`, and answers each until it closes.
    func serve() async throws {
        try await channel.executeThenClose { connections in
            try await withThrowingDiscardingTaskGroup { group in
                for try await connection in connections {
                    state.withLockedValue { $0.connections += 1 }
                    group.addTask {
                        try? await self.answer(connection)
                        self.state.withLockedValue { $0.closed += 1 }
                    }
                }
            }
        }
    }

    func close() {
        channel.channel.close(promise: nil)
    }

    private func answer(_ connection: NIOAsyncChannel<String, String>) async throws {
        let server = ":ngircd.liaison.test"
        try await connection.executeThenClose { inbound, outbound in
            for try await line in inbound {
                state.withLockedValue { $0.lines.append(line) }
                guard let message = IRCMessage.parse(line) else { continue }
                switch (message.command.uppercased(), message.params.first?.uppercased()) {
                case ("CAP", "LS"): try await outbound.write(Recorded.ngircdRegistration[0])
                case ("CAP", "REQ"): try await outbound.write(Recorded.ngircdRegistration[1])
                case ("CAP", "END"):
                    try await outbound.write(contentsOf: Recorded.ngircdRegistration.dropFirst(2))
                    try await outbound.write("PING :alive")
                case ("JOIN", let channel?):
                    try await outbound.write(contentsOf: [":recbot!~recbot@127.0.0.1 JOIN :\(channel)",
                                                          "\(server) 353 recbot = \(channel) :recbot",
                                                          "\(server) 366 recbot \(channel) :End of NAMES list"])
                case ("PING", let token?): try await outbound.write("\(server) PONG ngircd.liaison.test :\(token)")
                case ("QUIT", _):
                    guard closesOnQuit else { continue }
                    try await outbound.write("ERROR :Closing connection")
                    return
                default: continue
                }
            }
        }
    }
}

/// A value shared between the server's tasks and the test.
final class Locked<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLockedValue<T>(_ body: (inout Value) -> T) -> T {
        lock.withLock { body(&value) }
    }
}

struct CannotListen: Error {}

/// A loopback listener that never accepts, with its accept queue filled: a new connect's
/// SYN goes unanswered, so the connect waits for its timeout.
final class FullListener: Sendable {
    let fd: Int32
    let port: Int
    private let fillers: [Int32]

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, size) } }
        guard bound == 0, listen(listener, 0) == 0 else { throw CannotListen() }
        var length = size
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        let port = Int(UInt16(bigEndian: address.sin_port))
        fd = listener
        self.port = port
        fillers = (0..<3).map { _ in Self.startConnect(port: port) }
        usleep(100_000)
    }

    /// A non-blocking connect to 127.0.0.1:`port`, under way.
    static func startConnect(port: Int) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return fd
    }

    /// Whether a new connect to it completes within `ms`.
    func acceptsAConnect(withinMilliseconds ms: Int32) -> Bool {
        let probe = Self.startConnect(port: port)
        defer { Glibc.close(probe) }
        var ready = pollfd(fd: probe, events: Int16(POLLOUT), revents: 0)
        guard poll(&ready, 1, ms) == 1 else { return false }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(probe, SOL_SOCKET, SO_ERROR, &error, &length)
        return error == 0
    }

    func close() {
        for filler in fillers { Glibc.close(filler) }
        Glibc.close(fd)
    }
}
