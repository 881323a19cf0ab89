import AsyncHTTPClient
import Foundation
import LiaisonCore
import Logging
import NIOCore
import NIOHTTP1

/// One Matrix homeserver: logs in (keeping its device across restarts), long-polls /sync,
/// turns room messages into chat events for the host, and delivers the host's outbox into
/// DMs, rooms and introduction rooms. Sends are idempotent by transaction ID.
public actor MatrixClient {
    let settings: MatrixSettings
    let host: any ChatHost
    let logger: Logger
    let http = HTTPClient.shared

    var accessToken: String?
    var deviceID: String?
    var stopping = false
    /// Per room: members (user ID -> display name), a label for messages, the introduction
    /// outbox id it was made for, and whether it is encrypted.
    var members: [String: [String: String]] = [:]
    var roomLabels: [String: String] = [:]
    /// Label (alias or name) -> room ID, for replies addressed to a channel.
    var channelRooms: [String: String] = [:]
    var introRooms: [Int64: String] = [:]
    var encryptedNoticed: Set<String> = []
    /// `m.direct` account data: user ID -> DM rooms.
    var direct: [String: [String]] = [:]
    /// Membership last reported per identity.
    var reported: [Identity: Set<String>] = [:]
    /// Outbox entries that failed, and when to try them again.
    var retryAt: [Int64: Date] = [:]
    var attempts: [Int64: Int] = [:]
    let wake = WakeSignal()
    var syncTask: Task<Void, Never>?
    var deliveryTask: Task<Void, Never>?

    public init(settings: MatrixSettings, host: any ChatHost, logger: Logger) {
        self.settings = settings
        self.host = host
        self.logger = logger
    }

    public nonisolated func outboxChanged() { wake.signal() }

    var network: String { settings.network }
    var me: String { settings.userID }

    /// Runs until cancelled or stopped: log in, then sync and deliver side by side.
    public func run() async {
        var backoff: TimeInterval = 1
        while !stopping && !Task.isCancelled {
            do {
                try await login()
                break
            } catch {
                logger.warning("\(network): cannot log in yet: \(error); retrying in \(Int(backoff)) s")
                await pause(backoff)
                backoff = min(backoff * 2, 60)
            }
        }
        let sync = Task { await self.syncLoop() }
        let delivery = Task { await self.deliveryLoop() }
        syncTask = sync
        deliveryTask = delivery
        await sync.value
        await delivery.value
    }

    /// Shutdown: the long poll ends now; deliveries get up to 3 s (SPEC §8), the rest stays
    /// in the outbox.
    public func stop() {
        stopping = true
        syncTask?.cancel()
        wake.signal()
        let delivery = deliveryTask
        Task {
            try? await Task.sleep(for: .seconds(3))
            delivery?.cancel()
        }
    }

    func pause(_ seconds: TimeInterval) async {
        let until = Date().addingTimeInterval(seconds)
        while Date() < until, !stopping, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    // MARK: HTTP

    /// One API call. 429 M_LIMIT_EXCEEDED is honoured (retry_after_ms, Retry-After) and
    /// retried; any other failure is thrown for the caller to back off.
    @discardableResult
    func call(_ method: HTTPMethod, _ path: String, query: [String: String] = [:], body: [String: Any]? = nil,
              timeout: TimeAmount = .seconds(40), authenticated: Bool = true) async throws -> [String: Any] {
        var components = URLComponents(string: settings.homeserver + path)
        if !query.isEmpty { components?.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) } }
        guard let url = components?.url?.absoluteString else { throw MatrixError.badResponse("bad URL for \(path)") }
        while true {
            var request = HTTPClientRequest(url: url)
            request.method = method
            if authenticated, let accessToken { request.headers.add(name: "Authorization", value: "Bearer \(accessToken)") }
            if let body {
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
            }
            let response = try await http.execute(request, timeout: timeout)
            let bytes = try await response.body.collect(upTo: 16 * 1024 * 1024)
            let parsed = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any]
            let json = parsed ?? [:]
            if response.status == .tooManyRequests {
                let ms = (json["retry_after_ms"] as? Int).map { Double($0) / 1000 }
                    ?? response.headers.first(name: "Retry-After").flatMap(Double.init) ?? 1
                logger.info("\(network): rate limited; waiting \(String(format: "%.1f", ms)) s")
                await pause(min(max(ms, 0.05), 120))
                if stopping { throw CancellationError() }
                continue
            }
            guard (200..<300).contains(Int(response.status.code)) else {
                throw MatrixError.http(status: Int(response.status.code), errcode: json["errcode"] as? String ?? "",
                                       message: json["error"] as? String ?? response.status.reasonPhrase)
            }
            // Every client-server API answer is a JSON object: anything else (a proxy's HTML
            // page, a cut-off body) is a failure to retry, not a success.
            guard let parsed else { throw MatrixError.badResponse("\(path.split(separator: "?").first ?? ""): the answer is not JSON") }
            return parsed
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
            deviceID = who["device_id"] as? String
            logger.info("\(network): using the configured access token (device \(deviceID ?? "?"))")
            return
        }
        if let token = await host.networkState(network: network, key: "access_token") {
            accessToken = token
            do {
                let who = try await call(.GET, "/_matrix/client/v3/account/whoami")
                deviceID = who["device_id"] as? String
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
        guard let token = response["access_token"] as? String else { throw MatrixError.badResponse("login without a token") }
        accessToken = token
        deviceID = response["device_id"] as? String
        _ = await host.setNetworkState(network: network, key: "access_token", value: token)
        if let deviceID { _ = await host.setNetworkState(network: network, key: "device_id", value: deviceID) }
        logger.info("\(network): logged in as \(me) on device \(deviceID ?? "?")")
    }
}
