public import Foundation

/// The `[bot]` and `[broker]` settings the broker acts on (SPEC §6). Reloadable.
public struct BrokerSettings: Sendable, Equatable {
    public var botName = "liaison"
    public var prefix = "!"
    public var admins: Set<Identity> = [Identity.console("admin")]
    public var offersPerRequest = 3
    public var introsPerRequest = 1
    public var offerTTL: TimeInterval = 48 * 3600
    public var requestTTL: TimeInterval = 7 * 86_400
    public var followupAfter: TimeInterval = 7 * 86_400
    public var maxOpenRequests = 3
    public var maxRequestsPerDay = 5
    public var maxOffersPerWeek = 5
    public var channelRepliesPerMinute = 6
    /// Commands one person may send a minute; past it, one notice and then silence until
    /// the minute has passed. 0: no limit.
    public var commandsPerMinute = 30

    public init() {}
}
