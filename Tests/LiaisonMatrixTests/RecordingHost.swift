import Foundation
import LiaisonCore
@testable import LiaisonMatrix

/// The bot's side, as a MatrixClient sees it: records what it is told and keeps network state.
actor RecordingHost: ChatHost {
    var messages: [IncomingMessage] = []
    var memberships: [Identity: Set<String>] = [:]
    var redactions: [(eventID: String, by: Identity)] = []
    var kicks: [String] = []
    var invitations: [(by: Identity, channel: String)] = []
    var state: [String: String] = [:]
    /// What `invited` answers (the inviter is an admin).
    var inviterIsAdmin = false
    /// The outbox: what the client is to deliver, and what it reported delivered.
    var pending: [OutboxEntry] = []
    var deliveredIDs: [Int64] = []

    func add(_ entry: OutboxEntry) { pending.append(entry) }

    func allowInvitations(_ allowed: Bool) { inviterIsAdmin = allowed }

    func received(_ message: IncomingMessage) { messages.append(message) }
    func membership(_ identity: Identity, channels: Set<String>) { memberships[identity] = channels }
    func networkReset(_ network: String) {}
    func identityEnded(_ identity: Identity) {}
    func kicked(network: String, channel: String) { kicks.append(channel) }
    func invited(by identity: Identity, verified: Bool, network: String, channel: String) -> Bool {
        invitations.append((identity, channel))
        return inviterIsAdmin
    }
    func channelsToJoin(network: String, configured: [String]) -> [String] { configured }
    func outbox(network: String, waiting: Set<Target>, after: Int64) -> [OutboxEntry] {
        pending.filter { $0.id > after && !waiting.contains($0.target) }
    }
    func delivered(_ ids: [Int64]) {
        deliveredIDs += ids
        pending.removeAll { ids.contains($0.id) }
    }
    func displayName(_ identity: Identity) -> String? { nil }
    func redacted(network: String, eventID: String, by: Identity) { redactions.append((eventID, by)) }
    func networkState(network: String, key: String) -> String? { state[key] }
    func setNetworkState(network: String, key: String, value: String?) -> Bool {
        state[key] = value
        return true
    }
    func setCanonicalizer(network: String, _ fold: @escaping @Sendable (String) -> String) {}
}

/// The homeserver's side: records every request and answers each from `answer` (by method
/// and path), else with an empty JSON object.
final class FakeTransport: MatrixTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var log: [MatrixRequest] = []
    private let answer: @Sendable (String, String) -> MatrixResponse?

    init(_ answer: @escaping @Sendable (_ method: String, _ path: String) -> MatrixResponse? = { _, _ in nil }) {
        self.answer = answer
    }

    var requests: [MatrixRequest] { lock.withLock { log } }

    /// "METHOD path" of every request so far.
    var calls: [String] { requests.map { "\($0.method) \($0.path)" } }

    func exchange(_ request: MatrixRequest) async throws -> MatrixResponse {
        lock.withLock { log.append(request) }
        return answer("\(request.method)", request.path) ?? MatrixResponse(status: 200, body: Data("{}".utf8))
    }

    static func json(_ text: String, status: Int = 200) -> MatrixResponse {
        MatrixResponse(status: status, body: Data(text.utf8))
    }
}
