import Foundation
import LiaisonCore
import LiaisonTestSupport
import Logging
import ServiceLifecycle
import Testing
@testable import LiaisonMatrix

/// MatrixClient as a service: run in a ServiceGroup against a homeserver that answers from
/// the recorded Synapse fixtures and holds every later /sync open, as a long poll does. The
/// clock never moves (StoppedClock), so whatever ends here ends because of the shutdown or
/// the cancellation, not because a wait ran out. Each run is a Task of the test's own, so a
/// run that never ends fails the test (`within`) instead of hanging it.
@Suite struct MatrixClientLifecycleTests {
    static let lobby = MatrixSyncTests.lobby
    static let entry = OutboxEntry(id: 1, kind: .message, target: .channel(network: "mx", name: "#lobby:localhost"),
                                   text: "the last word", token: "t0k")

    static func client(_ host: RecordingHost, _ homeserver: LongPollHomeserver) -> MatrixClient {
        MatrixClient(settings: MatrixSyncTests.settings(), host: host, logger: Logger(label: "test"), transport: homeserver,
                     clock: StoppedClock())
    }

    static func group(_ client: MatrixClient) -> ServiceGroup {
        ServiceGroup(services: [client], gracefulShutdownSignals: [], cancellationSignals: [], logger: Logger(label: "test"))
    }

    @Test func aGracefulShutdownStopsSyncingAndFinishesTheSendUnderWay() async throws {
        let host = RecordingHost()
        await host.add(Self.entry)
        let homeserver = LongPollHomeserver()
        let group = Self.group(Self.client(host, homeserver))
        let running = Task { try await group.run() }
        try await eventually("the message is being sent") { homeserver.sending }
        try await eventually("the long poll is open") { homeserver.polling }
        await group.triggerGracefulShutdown()
        try await eventually("the long poll is ended") { !homeserver.polling }
        homeserver.answerSends()
        try await within("run() ends") { try await running.value }

        #expect(await host.deliveredIDs == [1], "the send under way is finished and recorded")
        let sends = homeserver.calls.filter { $0.hasPrefix("PUT ") && $0.contains("/send/m.room.message/") }
        #expect(sends == ["PUT /_matrix/client/v3/rooms/\(MatrixClient.encode(Self.lobby))/send/m.room.message/liaison-1-t0k"])
        #expect(homeserver.calls.filter { $0.hasSuffix("/sync") }.count == 2, "the first sync and the long poll; none after")
        #expect(await host.state["since"] == MatrixSyncTests.firstBatch)
    }

    @Test func cancellationEndsRunAndLeavesAnUnsentMessageInTheOutbox() async throws {
        let host = RecordingHost()
        await host.add(Self.entry)
        let homeserver = LongPollHomeserver()
        let client = Self.client(host, homeserver)
        let running = Task { await client.run() }
        try await eventually("the message is being sent") { homeserver.sending }
        running.cancel()
        try await within("run() ends") { await running.value }
        #expect(await host.deliveredIDs.isEmpty)
        #expect(await host.pending == [Self.entry], "still there for the next start")
    }

    @Test func aGracefulShutdownWhileTheHomeserverIsDownEndsRun() async throws {
        let host = RecordingHost()
        let homeserver = LongPollHomeserver(down: true)
        let group = Self.group(Self.client(host, homeserver))
        let running = Task { try await group.run() }
        try await eventually("the first login failed") { !homeserver.calls.isEmpty }
        await group.triggerGracefulShutdown()
        try await within("run() ends during the wait to log in again") { try await running.value }
        #expect(homeserver.calls == ["POST /_matrix/client/v3/login"], "no second attempt after the shutdown")
    }
}

extension MatrixSyncTests {
    /// joined.json's next_batch.
    static let firstBatch = "s18_1_0_1_3_1_1_7_0_1_1_1_1_1"
}

/// A homeserver for a whole run: login, the bot's `m.direct` not yet written, the first sync
/// from joined.json, and every /sync after it held open until cancelled (a long poll with
/// nothing new). Sends wait until `answerSends()`, or until cancelled. Down, it refuses
/// every request.
final class LongPollHomeserver: MatrixTransport, @unchecked Sendable {
    struct Refused: Error {}

    private let lock = NSLock()
    private var log: [MatrixRequest] = []
    private var openPolls = 0
    private var sendsInFlight = 0
    private var sendsAnswered = false
    private let down: Bool

    init(down: Bool = false) {
        self.down = down
    }

    /// "METHOD path" of every request so far.
    var calls: [String] { lock.withLock { log.map { "\($0.method) \($0.path)" } } }
    /// A long poll is open now.
    var polling: Bool { lock.withLock { openPolls > 0 } }
    /// A send is waiting for its answer now.
    var sending: Bool { lock.withLock { sendsInFlight > 0 } }

    func answerSends() { lock.withLock { sendsAnswered = true } }

    func exchange(_ request: MatrixRequest) async throws -> MatrixResponse {
        lock.withLock { log.append(request) }
        if down { throw Refused() }
        switch ("\(request.method)", request.path) {
        case ("POST", "/_matrix/client/v3/login"):
            return FakeTransport.json(#"{"access_token": "token", "device_id": "DEVICE", "user_id": "@liaison:localhost"}"#)
        case ("GET", let path) where path.hasSuffix("/account_data/m.direct"):
            return FakeTransport.json(#"{"errcode": "M_NOT_FOUND", "error": "Account data not found"}"#, status: 404)
        case ("GET", "/_matrix/client/v3/directory/room/%23lobby%3Alocalhost"):
            return FakeTransport.json(#"{"room_id": "\#(MatrixSyncTests.lobby)", "servers": ["localhost"]}"#)
        case ("GET", "/_matrix/client/v3/sync"):
            guard request.query["since"] != nil else {
                return MatrixResponse(status: 200, body: try MatrixSyncTests.fixture("joined"))
            }
            lock.withLock { openPolls += 1 }
            defer { lock.withLock { openPolls -= 1 } }
            while true { try await Task.sleep(for: .seconds(3600)) }
        case ("PUT", let path) where path.contains("/send/m.room.message/"):
            lock.withLock { sendsInFlight += 1 }
            defer { lock.withLock { sendsInFlight -= 1 } }
            while !lock.withLock({ sendsAnswered }) { try await Task.sleep(for: .milliseconds(5)) }
            return FakeTransport.json(#"{"event_id": "$sent"}"#)
        default:
            return FakeTransport.json("{}")
        }
    }
}
