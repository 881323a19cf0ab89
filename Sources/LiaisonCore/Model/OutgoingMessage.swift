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
}

/// What the outbox carries: a message, or a channel join / part for the transport.
public enum OutboxKind: String, Sendable, Codable {
    case message, join, part
    /// An introduction between `target` and `other` in a room of their own (Matrix).
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

    public init(id: Int64, kind: OutboxKind, target: Target, text: String, other: Identity? = nil) {
        self.id = id
        self.kind = kind
        self.target = target
        self.text = text
        self.other = other
    }
}
