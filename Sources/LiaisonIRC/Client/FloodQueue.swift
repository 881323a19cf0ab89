public import Foundation

/// Outgoing lines, paced by a token bucket (`flood_burst` lines at once, then one per
/// `flood_interval`), with protocol lines (PONG, registration) ahead of everything and
/// chat lines taken round-robin per target, so one person's flood of commands cannot
/// delay everyone else's replies. A plain value: the client's single sender loop owns it.
public struct FloodQueue: Sendable {
    public struct Line: Sendable, Equatable {
        public var text: String
        /// The outbox entry this line belongs to, and whether it is that entry's last line.
        public var entry: Int64?
        public var isLast: Bool
        /// Lines written right after `text` in the same turn, nothing between them (the rest
        /// of a `draft/multiline` batch). Each costs a token, so the rate holds on average.
        public var more: [String]

        public init(_ text: String, entry: Int64? = nil, isLast: Bool = true, more: [String] = []) {
            self.text = text
            self.entry = entry
            self.isLast = isLast
            self.more = more
        }

        /// Every wire line, in order.
        public var wireLines: [String] { [text] + more }
    }

    let burst: Double
    let interval: TimeInterval
    private var tokens: Double
    private var refilled: Date
    private var priority: [Line] = []
    private var perTarget: [String: [Line]] = [:]
    /// Targets with lines waiting, in round-robin order.
    private var order: [String] = []

    public init(burst: Int, interval: TimeInterval, now: Date = Date()) {
        self.burst = Double(max(1, burst))
        self.interval = interval
        tokens = Double(max(1, burst))
        refilled = now
    }

    public var isEmpty: Bool { priority.isEmpty && order.isEmpty }
    public var count: Int { priority.count + perTarget.values.reduce(0) { $0 + $1.count } }

    /// PONG and registration: sent first and not paced.
    public mutating func pushPriority(_ line: Line) {
        priority.append(line)
    }

    public mutating func push(_ line: Line, target: String) {
        if perTarget[target, default: []].isEmpty { order.append(target) }
        perTarget[target, default: []].append(line)
    }

    /// The next line to write now, or how long to wait for the bucket to allow one.
    public mutating func next(now: Date) -> (line: Line?, wait: TimeInterval?) {
        if !priority.isEmpty { return (priority.removeFirst(), nil) }
        guard let target = order.first else { return (nil, nil) }
        if interval > 0 {
            tokens = min(burst, tokens + now.timeIntervalSince(refilled) / interval)
            refilled = now
            guard tokens >= 1 else { return (nil, (1 - tokens) * interval) }
        }
        order.removeFirst()
        var lines = perTarget[target] ?? []
        let line = lines.removeFirst()
        // A batch goes whole once a token is there and is paid for in full: the bucket may
        // go below zero, and the lines after it wait that much longer.
        if interval > 0 { tokens -= Double(1 + line.more.count) }
        if lines.isEmpty {
            perTarget[target] = nil
        } else {
            perTarget[target] = lines
            order.append(target) // round robin: this target waits its turn again
        }
        return (line, nil)
    }

    /// Takes every chat line for `target` out of the queue (its recipient is gone).
    public mutating func removeAll(target: String) -> [Line] {
        let lines = perTarget.removeValue(forKey: target) ?? []
        order.removeAll { $0 == target }
        return lines
    }

    /// A lost connection: what was queued is re-read from the outbox after reconnecting.
    public mutating func clear() {
        priority = []
        perTarget = [:]
        order = []
    }
}

/// Reconnect delays: exponential with jitter, the first within 2 s, capped at 5 minutes.
public struct Backoff: Sendable {
    public private(set) var attempt = 0
    let cap: TimeInterval

    public init(cap: TimeInterval = 300) {
        self.cap = cap
    }

    /// The wait before the next attempt: base 2^attempt seconds, times 0.5-1.0 of jitter.
    public mutating func nextDelay<R: RandomNumberGenerator>(using rng: inout R) -> TimeInterval {
        let base = min(cap, pow(2, Double(min(attempt, 20))))
        attempt += 1
        return base * Double.random(in: 0.5...1.0, using: &rng)
    }

    public mutating func reset() {
        attempt = 0
    }
}
