import Foundation
import LiaisonCore
import LiaisonStore
import LiaisonTestSupport

// `LiaisonBench bounded N DATA_DIR`: what one command costs on a directory of N topics, and
// whether that cost stays put (issue 11, item 11). Through the broker on a real state file,
// as the bot runs it:
//   topics_N_latency_first / _repeat_p50 / _after_change   the `topics` command (open to
//                                 anyone): computed, reused, computed again after a change
//   topics_N_reply                the size of its reply
//   churn_N_cycle_first100 / _last100   one cycle of 1,000: a member opts in and adds a
//                                 topic of long random words, someone asks for it with a typo,
//                                 then both forget themselves
//   churn_N_rss_start / _end      process RSS before the first cycle and after the last

/// Drives a broker as console users: one line in, the outbox drained (Standing.swift too).
final class Console {
    let store: SQLiteStore
    let broker: Broker
    var now = Date()

    init(path: String) throws {
        var settings = BrokerSettings()
        settings.commandsPerMinute = 0
        store = try SQLiteStore(path: path)
        broker = try Broker(settings: settings, store: store, networks: ["console"])
    }

    @discardableResult
    func say(_ name: String, _ text: String) throws -> [String] {
        broker.handle(IncomingMessage(sender: .console(name), displayName: name, place: .direct, text: text,
                                      botNick: "liaison"), now: now)
        let entries = try store.pendingOutbox(network: "console", limit: 10_000)
        try store.markSent(entries.map(\.id))
        return entries.map(\.text)
    }
}

/// Words of 24 to 32 random letters: each one new to the index, with the most deletes a
/// word may have in the typo table (longer ones are cut to 32).
private func hostileWords(_ count: Int, _ rng: inout SplitMix64) -> [String] {
    (0..<count).map { _ in
        String((0..<Int.random(in: 24...32, using: &rng)).map { _ in
            Character(UnicodeScalar(UInt8.random(in: 0x61...0x7A, using: &rng)))
        })
    }
}

func bounded(_ n: Int, _ dataDir: String) throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("liaison-bounded-\(n)-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("state.db").path
    _ = try generate(n, dataDir, into: path)
    let console = try Console(path: path)

    // The first call runs the aggregate query; later ones reuse the reply until a topic
    // changes (then one query again).
    var reply = ""
    emit("topics_\(n)_latency_first", try seconds { reply = try console.say("probe", "topics").joined(separator: "\n") } * 1_000, "ms")
    var samples: [Double] = []
    for _ in 0..<100 { samples.append(try seconds { try console.say("probe", "topics") } * 1_000) }
    samples.sort()
    emit("topics_\(n)_latency_repeat_p50", samples[samples.count / 2], "ms")
    try console.say("g1", "expertise add one more subject")
    emit("topics_\(n)_latency_after_change", try seconds { try console.say("probe", "topics") } * 1_000, "ms")
    emit("topics_\(n)_reply", Double(reply.utf8.count), "bytes", decimals: 0)

    var rng = SplitMix64(seed: 11)
    let cycles = 1_000
    var times: [Double] = []
    let rssStart = rssMB()
    for i in 0..<cycles {
        let words = hostileWords(3, &rng)
        let typo = String(words[0].dropFirst())
        times.append(try seconds {
            try console.say("c\(i)", "optin")
            try console.say("c\(i)", "expertise add \(words.joined(separator: " "))")
            try console.say("r\(i)", "ask \(typo) \(words[1]) \(words[2])")
            for who in ["c\(i)", "r\(i)"] {
                try console.say(who, "forget")
                try console.say(who, "forget confirm")
            }
        } * 1_000)
        console.now = console.now.addingTimeInterval(1)
    }
    let rssEnd = rssMB()
    func mean(_ xs: ArraySlice<Double>) -> Double { xs.reduce(0, +) / Double(max(xs.count, 1)) }
    emit("churn_\(n)_cycles", Double(cycles), "cycles", decimals: 0)
    emit("churn_\(n)_cycle_first100", mean(times.prefix(100)), "ms")
    emit("churn_\(n)_cycle_last100", mean(times.suffix(100)), "ms")
    emit("churn_\(n)_rss_start", rssStart, "MB", decimals: 1)
    emit("churn_\(n)_rss_end", rssEnd, "MB", decimals: 1)
    emit("churn_\(n)_topics_after", Double(console.broker.index.count), "topics", decimals: 0)
}
