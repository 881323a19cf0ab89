import Foundation
import LiaisonCore
import LiaisonStore
import Metrics

/// The broker's store with each transaction timed: the commit latency an operator watches
/// (it includes the fsync that every confirmed change waits for).
final class MeteredStore: Store {
    let base: any Store
    let commitLatency: Metrics.Timer

    init(_ base: any Store, commitLatency: Metrics.Timer) {
        self.base = base
        self.commitLatency = commitLatency
    }

    func transaction<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        // Inside a group commit the commit is the group's, timed by the engine.
        if (base as? SQLiteStore)?.inGroup == true { return try base.transaction(body) }
        let start = ContinuousClock.now
        defer { commitLatency.record(duration: ContinuousClock.now - start) }
        return try base.transaction(body)
    }

    func pendingOutbox(network: String, now: Date, waiting: Set<Target>, after: Int64, limit: Int) throws -> [OutboxEntry] {
        try base.pendingOutbox(network: network, now: now, waiting: waiting, after: after, limit: limit)
    }

    func markSent(_ ids: [Int64]) throws { try base.markSent(ids) }
    func markWritten(_ ids: [Int64], at: Date) throws { try base.markWritten(ids, at: at) }
    func forEachTopic<Prepared: Sendable>(prepare: @escaping @Sendable (Topic) -> Prepared,
                                          _ body: (Topic, Prepared) throws -> Void) throws {
        try base.forEachTopic(prepare: prepare, body)
    }
    func topicCount() throws -> Int { try base.topicCount() }
    func allAliases() throws -> [Alias] { try base.allAliases() }
    func channelSettings() throws -> [ChannelSetting] { try base.channelSettings() }
    func networkState(network: String, key: String) throws -> String? { try base.networkState(network: network, key: key) }
    func setNetworkState(network: String, key: String, value: String?) throws {
        try base.setNetworkState(network: network, key: key, value: value)
    }
}
