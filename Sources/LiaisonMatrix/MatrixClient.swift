import AsyncHTTPClient
public import Foundation
public import LiaisonCore
public import Logging
import NIOCore
import NIOHTTP1
public import ServiceLifecycle

/// One Matrix homeserver, as a service of the app's service group: logs in (keeping its
/// device across restarts), long-polls /sync, turns room messages into chat events for the
/// host, and delivers the host's outbox into DMs, rooms and introduction rooms. Sends are
/// idempotent by transaction ID. On graceful shutdown it stops syncing and gives the sends
/// under way up to 3 s (SPEC §8); cancelled, it stops at once.
public actor MatrixClient: Service {
    let settings: MatrixSettings
    let host: any ChatHost
    let logger: Logger
    let transport: any MatrixTransport
    /// Every wait: backoff, rate limits, the look for retries, the shutdown's 3 s.
    let clock: any Clock<Duration>
    /// Wall-clock time for when a failed send is due again.
    let now: @Sendable () -> Date

    var accessToken: String?
    var deviceID: String?
    /// Per room: members, the bot's own markers, and names for display (see MatrixRoom).
    var rooms: [String: MatrixRoom] = [:]
    /// The first sync after start has loaded every joined room's state: until then nothing
    /// is known about who is in a room, so nothing is delivered.
    var stateLoaded = false
    /// A room's key for the host (its channel name): the alias the bot joined it by, or one
    /// the room directory confirms points to it, else its ID. Never its name.
    var roomKeys: [String: String] = [:]
    /// Alias -> room ID, only as the homeserver resolved it (join by alias, directory).
    var aliasRooms: [String: String] = [:]
    /// Room ID -> the claimed alias last checked against the directory.
    var checkedAliases: [String: String] = [:]
    var encryptedNoticed: Set<String> = []
    /// `m.direct` account data: user ID -> DM rooms; written only after it was read.
    var direct: [String: [String]] = [:]
    var directLoaded = false
    /// Membership last reported per identity.
    var reported: [Identity: Set<String>] = [:]
    /// Outbox entries that failed, and when to try them again.
    var retryAt: [Int64: Date] = [:]
    var attempts: [Int64: Int] = [:]
    /// Deliveries run per destination (a room, a person), side by side, each a child task
    /// of the delivery loop: one slow or failing destination never holds up another. These
    /// are the destinations with a delivery under way.
    var busyLanes: Set<String> = []
    let wake = WakeSignal()

    public init(settings: MatrixSettings, host: any ChatHost, logger: Logger,
                clock: any Clock<Duration> = ContinuousClock(), now: @escaping @Sendable () -> Date = Date.init) {
        self.init(settings: settings, host: host, logger: logger, transport: HTTPTransport(homeserver: settings.homeserver),
                  clock: clock, now: now)
    }

    init(settings: MatrixSettings, host: any ChatHost, logger: Logger, transport: any MatrixTransport,
         clock: any Clock<Duration> = ContinuousClock(), now: @escaping @Sendable () -> Date = Date.init) {
        self.settings = settings
        self.host = host
        self.logger = logger
        self.transport = transport
        self.clock = clock
        self.now = now
    }

    public nonisolated func outboxChanged() { wake.signal() }

    var network: String { settings.network }
    var me: String { settings.userID }

    /// Runs until graceful shutdown or cancellation: log in, then sync and deliver side by
    /// side, as child tasks.
    public func run() async {
        var backoff: TimeInterval = 1
        while true {
            guard !Task.isShuttingDownGracefully && !Task.isCancelled else { return }
            do {
                try await login()
                break
            } catch {
                logger.warning("\(network): cannot log in yet: \(error); retrying in \(Int(backoff)) s")
                await pause(backoff)
                backoff = min(backoff * 2, 60)
            }
        }
        await withDiscardingTaskGroup { group in
            group.addTask { await self.syncLoop() }
            group.addTask { await self.deliveryLoop() }
        }
    }

    /// Waits `seconds`; a graceful shutdown or cancellation ends the wait early.
    func pause(_ seconds: TimeInterval) async {
        let clock = clock
        try? await cancelWhenGracefulShutdown { try await clock.sleep(for: .seconds(seconds)) }
    }

    // MARK: HTTP

    /// One API call, its answer decoded as `Answer`. 429 M_LIMIT_EXCEEDED is honoured
    /// (retry_after_ms, Retry-After) and retried; any other failure is thrown for the caller
    /// to back off. Every client-server API answer is JSON: anything else (a proxy's HTML
    /// page, a cut-off body) is a failure to retry, not a success.
    @discardableResult
    func call<Answer: Decodable>(_ method: HTTPMethod, _ path: String, query: [String: String] = [:], body: [String: Any]? = nil,
                                 timeout: TimeAmount = .seconds(30), authenticated: Bool = true,
                                 as answer: Answer.Type = MatrixReply.self) async throws -> Answer {
        let data = try await request(method, path, query: query, body: body, timeout: timeout, authenticated: authenticated)
        do {
            return try JSONDecoder().decode(Answer.self, from: data)
        } catch {
            throw MatrixError.badResponse("\(path.split(separator: "?").first ?? ""): the answer is not JSON of the expected shape")
        }
    }

    /// The answer's body once the status says success.
    func request(_ method: HTTPMethod, _ path: String, query: [String: String] = [:], body: [String: Any]? = nil,
                 timeout: TimeAmount = .seconds(30), authenticated: Bool = true) async throws -> Data {
        let encoded = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        let outgoing = MatrixRequest(method: method, path: path, query: query, body: encoded,
                                     accessToken: authenticated ? accessToken : nil, timeout: timeout)
        var limited = 0
        while true {
            let response = try await transport.exchange(outgoing)
            let reply = try? JSONDecoder().decode(MatrixReply.self, from: response.body)
            if response.status == 429, limited < 20 {
                limited += 1
                let ms = reply?.retryAfterMs.map { Double($0) / 1000 } ?? response.retryAfter.flatMap(Double.init) ?? 1
                logger.info("\(network): rate limited; waiting \(String(format: "%.1f", ms)) s")
                await pause(min(max(ms, 0.05), 120))
                if Task.isShuttingDownGracefully || Task.isCancelled { throw CancellationError() }
                continue
            }
            guard (200..<300).contains(response.status) else {
                throw MatrixError.http(status: response.status, errcode: reply?.errcode ?? "",
                                       message: reply?.error ?? HTTPResponseStatus(statusCode: response.status).reasonPhrase)
            }
            return response.body
        }
    }

    static func encode(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? s
    }

    // MARK: Login

    /// The device and token live in the state file: restarts reuse the same device, and
    /// the bot never logs out on its own.
    func login() async throws {
        if let token = settings.accessToken {
            accessToken = token
            let who = try await call(.GET, "/_matrix/client/v3/account/whoami")
            deviceID = who.deviceID
            logger.info("\(network): using the configured access token (device \(deviceID ?? "?"))")
            return
        }
        if let token = await host.networkState(network: network, key: "access_token") {
            accessToken = token
            do {
                let who = try await call(.GET, "/_matrix/client/v3/account/whoami")
                deviceID = who.deviceID
                logger.info("\(network): resumed as \(me) on device \(deviceID ?? "?")")
                return
            } catch let error as MatrixError where error.status == 401 {
                accessToken = nil
            }
        }
        guard let password = settings.password else {
            throw MatrixError.badResponse("no access token and no password for \(me)")
        }
        var body: [String: Any] = [
            "type": "m.login.password",
            "identifier": ["type": "m.id.user", "user": me],
            "password": password,
            "initial_device_display_name": "Liaison",
        ]
        if let device = await host.networkState(network: network, key: "device_id") { body["device_id"] = device }
        let response = try await call(.POST, "/_matrix/client/v3/login", body: body, authenticated: false)
        guard let token = response.accessToken else { throw MatrixError.badResponse("login without a token") }
        accessToken = token
        deviceID = response.deviceID
        _ = await host.setNetworkState(network: network, key: "access_token", value: token)
        if let deviceID { _ = await host.setNetworkState(network: network, key: "device_id", value: deviceID) }
        logger.info("\(network): logged in as \(me) on device \(deviceID ?? "?")")
    }
}
