import Foundation
import LiaisonCore
import LiaisonStore
import LiaisonTestSupport

// `LiaisonBench standing N DATA_DIR`: what `expertise add` costs with N open requests standing
// (issue 13: the same with 10 open requests or 10,000). Through the broker on a real state
// file, as the bot runs it. The open requests ask about the evaluation queries (fixed seed);
// each sample is one new member's `expertise add` (after its `optin`, not timed):
//   standing_N_expertise_add_first          the first one after start-up
//   standing_N_expertise_add_unrelated_p50 / _p99   topics of made-up words, which match no request
//   standing_N_expertise_add_matching_p50   a topic of the evaluation queries: the requests
//                                           about it are offered to the member (costs what the
//                                           offers cost, however many others stand)
//   standing_N_matching_offers              offers made per matching add, on average
// and the same at 100 open requests (standing_100_...) for comparison.

func standing(_ n: Int, _ dataDir: String) throws {
    let queries = (load([Query].self, dataDir + "/matching-queries.json") ?? []).map(\.query)
    guard !queries.isEmpty else {
        print("standing_data missing \(dataDir)")
        return
    }
    for count in Set([100, n]).sorted() { try standing(count: count, queries) }
}

private func standing(count: Int, _ queries: [String]) throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("liaison-standing-\(count)-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("state.db").path
    var rng = SplitMix64(seed: 13)
    let now = Date()
    do {
        // Written straight to the store: N asks through the broker would take minutes, and
        // the broker reads open requests from the store either way.
        let store = try SQLiteStore(path: path)
        try store.transaction { tx in
            for i in 0..<count {
                let topic = queries[Int.random(in: 0..<queries.count, using: &rng)]
                _ = try tx.createRequest(Request(id: 0, requester: .console("q\(i)"), topic: topic, key: TopicText.key(topic),
                                                 originalText: "ask \(topic)", channel: nil, status: .open, createdAt: now,
                                                 expiresAt: now.addingTimeInterval(30 * 86_400)))
            }
        }
        try store.checkpoint()
    }
    let console = try Console(path: path)
    console.now = now.addingTimeInterval(1)
    let syllables = ["ka", "lo", "mi", "ra", "te", "su", "no", "vi", "de", "po", "an", "el", "or", "un", "ix", "ber", "tal", "gon"]
    func madeUp() -> String {
        (0..<2).map { _ in (0..<4).map { _ in syllables[Int.random(in: 0..<syllables.count, using: &rng)] }.joined() }
            .joined(separator: " ")
    }
    var member = 0
    func add(_ topic: String) throws -> (ms: Double, offers: Int) {
        member += 1
        try console.say("e\(member)", "optin")
        var lines: [String] = []
        let ms = try seconds { lines = try console.say("e\(member)", "expertise add \(topic)") } * 1_000
        return (ms, lines.filter { $0.hasPrefix("Introduction offer #") }.count)
    }
    emit("standing_\(count)_expertise_add_first", try add(madeUp()).ms, "ms")
    var unrelated: [Double] = []
    for _ in 0..<300 { unrelated.append(try add(madeUp()).ms) }
    unrelated.sort()
    emit("standing_\(count)_expertise_add_unrelated_p50", unrelated[unrelated.count / 2], "ms")
    emit("standing_\(count)_expertise_add_unrelated_p99", unrelated[unrelated.count * 99 / 100], "ms")
    var matching: [Double] = []
    var offers = 0
    for _ in 0..<50 {
        let (ms, made) = try add(queries[Int.random(in: 0..<queries.count, using: &rng)])
        matching.append(ms)
        offers += made
    }
    matching.sort()
    emit("standing_\(count)_expertise_add_matching_p50", matching[matching.count / 2], "ms")
    emit("standing_\(count)_matching_offers", Double(offers) / Double(matching.count), "offers", decimals: 1)
}
