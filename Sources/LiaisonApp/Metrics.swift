import CoreMetrics
import Foundation
import LiaisonCore
import Metrics
import Prometheus

/// Liaison's metrics, recorded through swift-metrics where the events happen (the engine sees
/// every broker step, commit and delivery; transports report connection state). Without
/// `[metrics] listen` nothing bootstraps the metrics system and every handle is a no-op.
enum LiaisonMetrics {
    /// One series family: its Prometheus name and help line.
    struct Family: Sendable {
        let name: String
        let help: String
    }

    static let requests = Family(name: "liaison_requests_total", help: "Introduction requests made.")
    static let offers = Family(name: "liaison_offers_total", help: "Offers sent to experts.")
    static let acceptances = Family(name: "liaison_acceptances_total", help: "Offers accepted by experts.")
    static let introductions = Family(name: "liaison_introductions_total", help: "Introductions made.")
    static let thanks = Family(name: "liaison_thanks_total", help: "Thanks passed on to experts.")
    static let outboxDepth = Family(name: "liaison_outbox_depth", help: "Committed messages waiting to be delivered, per network.")
    static let deliveryLatency = Family(name: "liaison_delivery_latency_seconds", help: "From commit to delivery of an outgoing message, per network.")
    static let connected = Family(name: "liaison_network_connected", help: "1 while the network is connected and caught up, else 0.")
    static let reconnects = Family(name: "liaison_network_reconnects_total", help: "Times a network came back after its connection was lost.")
    static let commitLatency = Family(name: "liaison_commit_latency_seconds", help: "Duration of one state file transaction, fsync included.")

    static let all = [requests, offers, acceptances, introductions, thanks, outboxDepth, deliveryLatency, connected, reconnects, commitLatency]

    /// Delivery waits range from milliseconds (online) to days (someone away).
    static let deliveryBuckets: [Duration] = [.milliseconds(10), .milliseconds(50), .milliseconds(250), .seconds(1), .seconds(5),
                                              .seconds(30), .seconds(120), .seconds(600), .seconds(3600), .seconds(86_400)]
    /// A commit is an fsync: sub-millisecond on tmpfs, tens of milliseconds on a slow disk.
    static let commitBuckets: [Duration] = [.microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
                                            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1)]

    /// Makes swift-metrics report to a Prometheus registry, once per process.
    static func bootstrap() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(HelpfulPrometheusFactory(registry: registry))
        return registry
    }
}

/// swift-prometheus's factory, with a HELP line for each of Liaison's series and histogram
/// buckets that fit each timer (promtool's lint wants HELP; the stock factory sends none).
struct HelpfulPrometheusFactory: MetricsFactory {
    let registry: PrometheusCollectorRegistry
    private let base: PrometheusMetricsFactory
    private let help: [String: String]

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        base = PrometheusMetricsFactory(registry: registry)
        help = Dictionary(uniqueKeysWithValues: LiaisonMetrics.all.map { ($0.name, $0.help) })
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        guard let help = help[label] else { return base.makeCounter(label: label, dimensions: dimensions) }
        return registry.makeCounter(name: label, labels: dimensions, help: help)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        base.makeFloatingPointCounter(label: label, dimensions: dimensions)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard let help = help[label], !aggregate else {
            return base.makeRecorder(label: label, dimensions: dimensions, aggregate: aggregate)
        }
        return registry.makeGauge(name: label, labels: dimensions, help: help)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        guard let help = help[label] else { return base.makeMeter(label: label, dimensions: dimensions) }
        return registry.makeGauge(name: label, labels: dimensions, help: help)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        guard let help = help[label] else { return base.makeTimer(label: label, dimensions: dimensions) }
        let buckets = label == LiaisonMetrics.commitLatency.name ? LiaisonMetrics.commitBuckets : LiaisonMetrics.deliveryBuckets
        return registry.makeDurationHistogram(name: label, labels: dimensions, buckets: buckets, help: help)
    }

    func destroyCounter(_ handler: any CounterHandler) { base.destroyCounter(handler) }
    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) { base.destroyFloatingPointCounter(handler) }
    func destroyRecorder(_ handler: any RecorderHandler) { base.destroyRecorder(handler) }
    func destroyMeter(_ handler: any MeterHandler) { base.destroyMeter(handler) }
    func destroyTimer(_ handler: any TimerHandler) { base.destroyTimer(handler) }
}

/// The engine's handles on the metrics: made once, with every series present from the start
/// (an operator's alert on `rate(liaison_offers_total[1h])` needs the series before the first offer).
final class EngineMetrics: Sendable {
    let requests = CoreMetrics.Counter(label: LiaisonMetrics.requests.name)
    let offers = CoreMetrics.Counter(label: LiaisonMetrics.offers.name)
    let acceptances = CoreMetrics.Counter(label: LiaisonMetrics.acceptances.name)
    let introductions = CoreMetrics.Counter(label: LiaisonMetrics.introductions.name)
    let thanks = CoreMetrics.Counter(label: LiaisonMetrics.thanks.name)
    let commitLatency = CoreMetrics.Timer(label: LiaisonMetrics.commitLatency.name)
    /// Every network the process serves, the console included.
    let networks: [String]
    private let outboxDepth: [String: CoreMetrics.Gauge]
    private let deliveryLatency: [String: CoreMetrics.Timer]
    private let connected: [String: CoreMetrics.Gauge]
    private let reconnects: [String: CoreMetrics.Counter]

    init(networks: [String]) {
        self.networks = networks
        func each<T>(_ make: (String) -> T) -> [String: T] {
            Dictionary(uniqueKeysWithValues: networks.map { ($0, make($0)) })
        }
        outboxDepth = each { CoreMetrics.Gauge(label: LiaisonMetrics.outboxDepth.name, dimensions: [("network", $0)]) }
        deliveryLatency = each { CoreMetrics.Timer(label: LiaisonMetrics.deliveryLatency.name, dimensions: [("network", $0)]) }
        connected = each { CoreMetrics.Gauge(label: LiaisonMetrics.connected.name, dimensions: [("network", $0)]) }
        reconnects = each { CoreMetrics.Counter(label: LiaisonMetrics.reconnects.name, dimensions: [("network", $0)]) }
        for gauge in outboxDepth.values { gauge.record(0) }
        for gauge in connected.values { gauge.record(0) }
    }

    func record(_ events: [BrokerEvent]) {
        for event in events {
            switch event {
            case .request: requests.increment()
            case .offer: offers.increment()
            case .acceptance: acceptances.increment()
            case .introduction: introductions.increment()
            case .thanks: thanks.increment()
            }
        }
    }

    func setOutboxDepth(_ depth: Int, network: String) { outboxDepth[network]?.record(depth) }
    func delivered(after seconds: TimeInterval, network: String) {
        deliveryLatency[network]?.recordNanoseconds(Int64(max(0, seconds) * 1e9))
    }
    func setConnected(_ up: Bool, network: String) { connected[network]?.record(up ? 1 : 0) }
    func reconnected(network: String) { reconnects[network]?.increment() }
}
