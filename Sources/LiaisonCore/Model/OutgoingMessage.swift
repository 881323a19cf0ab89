public import Foundation

/// Whom an outgoing message is for. A person is resolved to a nick / DM room at send time.
public enum Target: Hashable, Sendable {
    case person(Identity)
    case channel(network: String, name: String)

    public var network: String {
        switch self {
        case .person(let id): id.network
        case .channel(let network, _): network
        }
    }

    /// The person written to, for a private message.
    public var person: Identity? {
        if case .person(let id) = self { id } else { nil }
    }
}

/// What the outbox carries: a message, or a channel join / part for the transport.
public enum OutboxKind: String, Sendable, Codable {
    case message, join, part
    /// An introduction between `target` and `other` in a room of their own
    /// (`NetworkProfile.roomPerIntroduction`).
    case introduction
}

/// A committed entry of the durable outbox.
public struct OutboxEntry: Sendable, Equatable {
    public var id: Int64
    public var kind: OutboxKind
    public var target: Target
    public var text: String
    /// The second person of an `.introduction`.
    public var other: Identity?
    /// Random, set when the row is written: with `id` it names the message uniquely even
    /// after a backup is restored and ids are handed out again (idempotency keys).
    public var token: String
    /// When a transport last wrote it without seeing it confirmed (a line before the server
    /// echoed it): it may have arrived although it is still here.
    public var writtenAt: Date?

    public init(id: Int64, kind: OutboxKind, target: Target, text: String, other: Identity? = nil, token: String = "",
                writtenAt: Date? = nil) {
        self.id = id
        self.kind = kind
        self.target = target
        self.text = text
        self.other = other
        self.token = token
        self.writtenAt = writtenAt
    }

    /// A key no other message of this state file has had, for a transport's idempotent send
    /// (a transaction id): the id alone repeats after a backup is restored.
    public var deliveryKey: String { token.isEmpty ? "\(id)" : "\(id)-\(token)" }
}

/// A message to queue in the outbox, with what the store needs to keep its promises:
/// whom the text names (so `forget` removes it), when it stops being worth sending (so a
/// message for someone who stays away ends), and which offer it carries (so a settled
/// offer that was never delivered is not delivered late).
public struct OutboxDraft: Sendable {
    public var kind: OutboxKind
    public var target: Target
    public var text: String
    /// The second person of an `.introduction`.
    public var other: Identity?
    /// People the text names or quotes, besides the target.
    public var about: Set<Identity>
    /// After this the message is dropped unsent; nil: `defaultLifetime` after it was queued.
    public var expiresAt: Date?
    /// The offer this message makes: (request id) with the target as the expert.
    public var offerOf: Int64?

    /// How long an undelivered message waits for its target at most.
    public static let defaultLifetime: TimeInterval = 7 * 86_400

    public init(_ kind: OutboxKind = .message, to target: Target, text: String, other: Identity? = nil,
                about: Set<Identity> = [], expiresAt: Date? = nil, offerOf: Int64? = nil) {
        self.kind = kind
        self.target = target
        self.text = text
        self.other = other
        self.about = about
        self.expiresAt = expiresAt
        self.offerOf = offerOf
    }
}
