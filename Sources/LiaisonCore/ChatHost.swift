/// What a network transport reports to, and asks of, the bot. The app's engine implements it;
/// transports never touch the store or the broker directly.
public protocol ChatHost: Sendable {
    /// A message from a person, already attributed to an identity.
    func received(_ message: IncomingMessage) async
    /// The channels an identity is in right now on a live network (empty: none).
    func membership(_ identity: Identity, channels: Set<String>) async
    /// The network's connection was lost: its live membership is unknown until it returns.
    func networkReset(_ network: String) async
    /// The network is up and caught up (registered, its channels asked
    /// for, or a first sync handled), or its connection was lost (`up` false). Told again on every change.
    func connectionChanged(network: String, up: Bool) async
    /// An identity bound to a connection (a nick without an account) is gone.
    func identityEnded(_ identity: Identity) async
    /// The bot was kicked: it stays out until an admin says `admin join`.
    func kicked(network: String, channel: String) async
    /// An invitation: true when the inviter may make the bot join (it is then persisted).
    func invited(by identity: Identity, verified: Bool, network: String, channel: String) async -> Bool
    /// Channels to be in: the configured ones plus `admin join`s, less parts and kicks.
    func channelsToJoin(network: String, configured: [String]) async -> [String]
    /// Committed, unexpired messages for the network, oldest first after id `after`, less
    /// those for `waiting` targets (people the transport cannot reach now).
    func outbox(network: String, waiting: Set<Target>, after: Int64) async -> [OutboxEntry]
    /// Delivered: removed from the outbox.
    func delivered(_ ids: [Int64]) async
    /// Written to the network, not yet confirmed: after a crash the transport may find these
    /// in the server's history instead of sending them again (`OutboxEntry.writtenAt`).
    func written(_ ids: [Int64]) async
    /// The name last seen for a person, for finding them again (MONITOR).
    func displayName(_ identity: Identity) async -> String?
    /// A message was redacted by `by`: a request it made is cancelled when `by` made it.
    func redacted(network: String, eventID: String, by: Identity) async
    /// Transport state kept in the state file (tokens, sync position, rooms), committed at once.
    func networkState(network: String, key: String) async -> String?
    func setNetworkState(network: String, key: String, value: String?) async -> Bool
    /// How the network folds identity IDs (the server's case rules), once known.
    func setCanonicalizer(network: String, _ fold: @escaping @Sendable (String) -> String) async
}

extension ChatHost {
    /// Hosts that do not track connection state (tests) need not implement it.
    public func connectionChanged(network: String, up: Bool) async {}

    /// Hosts without a durable outbox (tests) need not record it.
    public func written(_ ids: [Int64]) async {}

    /// The oldest committed messages for the network.
    public func outbox(network: String) async -> [OutboxEntry] {
        await outbox(network: network, waiting: [], after: 0)
    }
}
