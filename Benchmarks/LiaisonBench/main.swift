import Foundation
import LiaisonCore
import LiaisonStore
import LiaisonTestSupport

// Liaison's benchmarks. Each prints figures as "name value unit", one per line.
//   LiaisonBench quality DATA_DIR          precision@1, recall@3 (dev, holdout), detection, the chat tiers
//   LiaisonBench scale N DATA_DIR          directory of N topics: state file, build, RSS, latency
//   LiaisonBench bot N BINARY DATA_DIR     the liaison process at N topics: start-up, throughput, RSS, ask p50
//   LiaisonBench bounded N DATA_DIR        `topics` at N topics; 1,000 add/forget/ask cycles (Bounded.swift)
//   LiaisonBench standing N DATA_DIR       `expertise add` with N (and 100) open requests standing (Standing.swift)
// Generated data uses a fixed seed; timings are wall-clock on this machine.
// For profiling `scale`: LIAISON_BENCH_KEEP=DIR reuses the generated state file kept there,
// LIAISON_BENCH_SLOWEST=1 also prints the slowest queries, LIAISON_BENCH_QUERY=TEXT runs one query only.

func emit(_ name: String, _ value: Double, _ unit: String, decimals: Int = 3) {
    print("\(name) \(String(format: "%.\(decimals)f", value)) \(unit)")
}

func rssMB() -> Double {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

typealias Directory = EvaluationData.Directory
typealias Query = EvaluationData.Query
typealias DetectionLine = EvaluationData.Line

func load<T: Decodable>(_ type: T.Type, _ path: String) -> T? {
    try? EvaluationData.load(type, from: URL(fileURLWithPath: path))
}

func quality(_ dataDir: String) {
    let before = rssMB()
    emit("wordnet_load", seconds { _ = Lexicon.system }, "s", decimals: 2)
    emit("wordnet_rss", rssMB() - before, "MB", decimals: 1)
    guard let directory = load(Directory.self, dataDir + "/matching-directory.json"),
          let queries = load([Query].self, dataDir + "/matching-queries.json") else {
        print("quality_data missing \(dataDir)")
        return
    }
    let index = MatchIndex()
    for (i, entry) in directory.entries.enumerated() {
        index.insert(topicID: Int64(i), member: Identity(network: "bench", id: entry.member), text: entry.topic)
    }
    index.setAliases(directory.aliases.map { ($0.alias, $0.topic) })
    for split in ["dev", "holdout"] {
        let set = queries.filter { $0.split == split }
        var p1 = 0, r3 = 0, withAnswer = 0
        for q in set {
            let hits = index.search(q.query).map(\.member.id)
            if q.expected.isEmpty {
                if hits.isEmpty { p1 += 1 }
            } else {
                withAnswer += 1
                if let top = hits.first, q.expected.contains(top) { p1 += 1 }
                if hits.prefix(3).contains(where: q.expected.contains) { r3 += 1 }
            }
        }
        emit("matching_precision_at_1_\(split)", Double(p1) / Double(max(set.count, 1)), "ratio")
        emit("matching_recall_at_3_\(split)", Double(r3) / Double(max(withAnswer, 1)), "ratio")
    }
    chatQuality(dataDir + "/chat")
    guard let lines = load([DetectionLine].self, dataDir + "/detection-corpus.json") else { return }
    // As QualityTests: SPEC §2 (issue 12) made "who knows how to X?" a request, so this
    // set's how-to lines, labelled before that, are left out.
    emitDetection("detection", lines.filter { $0.category != "nm_howto" })
}

/// Detection precision and recall of `lines`, per split, as "PREFIX_precision_SPLIT".
func emitDetection(_ prefix: String, _ lines: [DetectionLine]) {
    for split in ["dev", "holdout"] {
        var tp = 0, detected = 0, positives = 0
        for l in lines where l.split == split {
            let found = RequestDetector.detect(l.line, addressed: l.addressed) != nil
            if l.topic != nil { positives += 1 }
            if found { detected += 1 }
            if found && l.topic != nil { tp += 1 }
        }
        emit("\(prefix)_precision_\(split)", Double(tp) / Double(max(detected, 1)), "ratio")
        emit("\(prefix)_recall_\(split)", Double(tp) / Double(max(positives, 1)), "ratio")
    }
}

/// The chat set's directory, queries and channel lines; nil (and a line saying so) when missing.
func loadChatSet(_ chatDir: String) -> (Directory, [ChatEvaluation.Query], [DetectionLine])? {
    guard let directory = try? EvaluationData.load(Directory.self, from: URL(fileURLWithPath: chatDir + "/chat-directory.json")),
          let queries = try? EvaluationData.load([ChatEvaluation.Query].self, from: URL(fileURLWithPath: chatDir + "/chat-queries.json")),
          let lines = try? EvaluationData.load([DetectionLine].self, from: URL(fileURLWithPath: chatDir + "/chat-detection.json"))
    else {
        print("chat_data missing \(chatDir)")
        return nil
    }
    return (directory, queries, lines)
}

/// The chat set (issue 12): each tier, dev and held out, and detection on chat lines.
func chatQuality(_ chatDir: String) {
    guard let (directory, queries, lines) = loadChatSet(chatDir) else { return }
    let result = ChatEvaluation.run(queries, on: ChatEvaluation.index(directory))
    for tier in ChatEvaluation.tiers {
        for split in ["dev", "holdout"] {
            let t = result.tally(tier, split)
            if tier == "nobody_fits" {
                emit("chat_\(tier)_wrong_offers_\(split)", t.offerRate, "ratio")
            } else {
                emit("chat_\(tier)_precision_at_1_\(split)", t.precision, "ratio")
            }
        }
    }
    emitDetection("chat_detection", lines)
}

/// What detection and matching cost per chat line and per query, on the chat set: every
/// line detected and every query searched, 30 times over; the median round, per item.
func chatCost(_ chatDir: String) {
    _ = Lexicon.system
    guard let (directory, queries, lines) = loadChatSet(chatDir) else { return }
    let index = ChatEvaluation.index(directory)
    let topics = queries.map { RequestDetector.reduceTopic($0.query) }
    var detectRounds: [Double] = [], searchRounds: [Double] = []
    var found = 0
    for _ in 0..<30 {
        let d = seconds { for line in lines where RequestDetector.detect(line.line, addressed: line.addressed) != nil { found += 1 } }
        detectRounds.append(d / Double(lines.count))
        let s = seconds { for topic in topics { found += index.search(topic).count } }
        searchRounds.append(s / Double(topics.count))
    }
    detectRounds.sort()
    searchRounds.sort()
    emit("chat_detect_per_line", detectRounds[detectRounds.count / 2] * 1e6, "us")
    emit("chat_search_per_query", searchRounds[searchRounds.count / 2] * 1e6, "us")
    if found < 0 { print(found) }
}

/// A Zipf-like vocabulary: a few very common words and a long tail of rare ones.
struct ZipfWords {
    let words: [String]
    let cumulative: [Double]

    init(count: Int, rng: inout SplitMix64) {
        let syllables = ["ka", "lo", "mi", "ra", "te", "su", "no", "vi", "de", "po", "an", "el", "or", "un", "ix", "ber", "tal", "gon", "mar", "sen"]
        var seen = Set<String>()
        var words: [String] = []
        while words.count < count {
            let n = Int.random(in: 2...4, using: &rng)
            let w = (0..<n).map { _ in syllables[Int.random(in: 0..<syllables.count, using: &rng)] }.joined()
            if seen.insert(w).inserted { words.append(w) }
        }
        self.words = words
        var total = 0.0
        cumulative = (1...count).map { r in
            total += 1 / pow(Double(r), 1.07)
            return total
        }
    }

    func pick(_ rng: inout SplitMix64) -> String {
        let x = Double.random(in: 0..<(cumulative.last ?? 1), using: &rng)
        var lo = 0, hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return words[lo]
    }
}

/// Writes a state file with `n` topics: the evaluation directory plus generated ones.
func generate(_ n: Int, _ dataDir: String, into path: String) throws -> Double {
    var rng = SplitMix64(seed: 42)
    let vocabulary = ZipfWords(count: max(2_000, n / 10), rng: &rng)
    let directory = load(Directory.self, dataDir + "/matching-directory.json")
    let members = max(1, n / 5)
    let store = try SQLiteStore(path: path)
    return try seconds {
        try store.transaction { tx in
            var added = 0
            for entry in directory?.entries ?? [] {
                let id = Identity(network: "bench", id: entry.member)
                _ = try tx.addTopic(id, text: entry.topic, key: TopicText.key(entry.topic), analysis: TopicText.analysis(entry.topic))
                added += 1
            }
            while added < n {
                let member = Identity(network: "bench", id: "g\(Int.random(in: 0..<members, using: &rng))")
                let words = (0..<Int.random(in: 1...3, using: &rng)).map { _ in vocabulary.pick(&rng) }
                let text = words.joined(separator: " ")
                if try tx.addTopic(member, text: text, key: TopicText.key(text), analysis: TopicText.analysis(text)) != nil {
                    added += 1
                }
            }
            // Members opted in, so requests find them.
            var person = Person(identity: Identity(network: "bench", id: "x"), displayName: "x", firstSeen: Date())
            person.optedIn = true
            for m in 0..<members {
                person.identity = Identity(network: "bench", id: "g\(m)")
                person.displayName = "g\(m)"
                try tx.savePerson(person)
            }
        }
        try store.checkpoint()
    }
}

func scale(_ n: Int, _ dataDir: String) throws {
    let directory = load(Directory.self, dataDir + "/matching-directory.json")
    let queries = (load([Query].self, dataDir + "/matching-queries.json") ?? []).map(\.query)
    // LIAISON_BENCH_KEEP=DIR keeps the generated state file there and reuses it (same seed,
    // same file), for profiling; the figures of a normal run come from a fresh file.
    let keep = ProcessInfo.processInfo.environment["LIAISON_BENCH_KEEP"]
    let dir = keep.map { URL(fileURLWithPath: $0) }
        ?? FileManager.default.temporaryDirectory.appendingPathComponent("liaison-bench-\(n)-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { if keep == nil { try? FileManager.default.removeItem(at: dir) } }
    let path = dir.appendingPathComponent("state-\(n).db").path
    if keep == nil || !FileManager.default.fileExists(atPath: path) {
        emit("scale_\(n)_generate_and_write", try generate(n, dataDir, into: path), "s", decimals: 2)
    }
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.doubleValue ?? 0
    emit("scale_\(n)_state_file", size / 1_048_576, "MB", decimals: 1)
    let before = rssMB()
    let index = MatchIndex()
    let store = try SQLiteStore(path: path)
    // As the bot does at start-up (Broker.rebuildIndex): streamed from the state file, and
    // the directory's aliases (none in the file).
    let build = try seconds {
        try index.load(from: store)
        index.setAliases((directory?.aliases ?? []).map { ($0.alias, $0.topic) })
    }
    emit("scale_\(n)_index_build", build, "s", decimals: 2)
    emit("scale_\(n)_topics_indexed", Double(index.count), "topics", decimals: 0)
    emit("scale_\(n)_rss", rssMB(), "MB", decimals: 1)
    emit("scale_\(n)_rss_growth", rssMB() - before, "MB", decimals: 1)
    var samples: [Double] = []
    // LIAISON_BENCH_QUERY=TEXT: that query only, many times (for profiling one slow query).
    let one = ProcessInfo.processInfo.environment["LIAISON_BENCH_QUERY"]
    let pool = one.map { Array(repeating: $0, count: 20_000) } ?? (queries.isEmpty ? ["reverse mortgages"] : queries)
    for i in 0..<max(3_000, pool.count) {
        let q = pool[i % pool.count]
        let start = DispatchTime.now().uptimeNanoseconds
        let hits = index.search(q)
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        if hits.count < 0 { print("unreachable") }
    }
    if ProcessInfo.processInfo.environment["LIAISON_BENCH_SLOWEST"] != nil {
        for (i, ms) in samples.enumerated().sorted(by: { $0.1 > $1.1 }).prefix(40) {
            print("slow \(String(format: "%.3f", ms)) ms \(pool[i % pool.count])")
        }
    }
    samples.sort()
    emit("scale_\(n)_match_p50", samples[samples.count / 2], "ms")
    emit("scale_\(n)_match_p99", samples[Int(Double(samples.count) * 0.99)], "ms")
}

/// The whole bot at `n` topics: start-up until it answers, then console lines per second
/// through detection, matching and the store.
func bot(_ n: Int, binary: String, _ dataDir: String) throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("liaison-botbench-\(n)-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    _ = try generate(n, dataDir, into: dir.appendingPathComponent("state.db").path)
    try """
        [bot]
        state = state.db
        log_level = error
        [broker]
        max_open_requests = 1000000
        max_requests_per_day = 1000000
        max_offers_per_week = 1000000
        [console]
        enabled = yes
        """.write(to: dir.appendingPathComponent("bot.conf"), atomically: true, encoding: .utf8)
    let queries = (load([Query].self, dataDir + "/matching-queries.json") ?? []).map(\.query)
    func run(_ input: String) throws -> (Double, Int) {
        let start = DispatchTime.now().uptimeNanoseconds
        let (process, stdin, stdout) = try launch(binary, in: dir)
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return (elapsed, output.split(separator: UInt8(ascii: "\n")).count)
    }
    // Start-up until serving: one line in, its reply out, then end of input.
    let (startup, _) = try run("probe: help\n")
    emit("bot_\(n)_startup_to_first_reply", startup, "s", decimals: 2)
    var lines: [String] = []
    for i in 0..<2_000 {
        let who = "u\(i % 400)"
        switch i % 4 {
        case 0: lines.append("\(who): ask \(queries.isEmpty ? "topic \(i)" : queries[i % queries.count])")
        case 1: lines.append("\(who) #bench: who knows about \(queries.isEmpty ? "topic" : queries[(i * 7) % queries.count])?")
        case 2: lines.append("\(who): expertise add subject \(i)")
        default: lines.append("\(who): requests")
        }
    }
    let (elapsed, replies) = try run(lines.joined(separator: "\n") + "\n")
    emit("bot_\(n)_console_throughput", Double(lines.count) / max(elapsed - startup, 0.001), "lines/s", decimals: 0)
    emit("bot_\(n)_console_replies", Double(replies), "lines", decimals: 0)
    try interactive(n, binary: binary, dir: dir, queries: queries)
}

/// The bot at `binary` started on dir/bot.conf, its console on pipes.
func launch(_ binary: String, in dir: URL) throws -> (Process, stdin: Pipe, stdout: Pipe) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = ["--config", "bot.conf"]
    process.currentDirectoryURL = dir
    let stdin = Pipe(), stdout = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = FileHandle.nullDevice
    try process.run()
    return (process, stdin, stdout)
}

/// The bot serving a directory of `n` topics (n / 5 members): its resident set once it
/// answers, and `ask` one at a time, each timed from the line written to its reply read.
func interactive(_ n: Int, binary: String, dir: URL, queries: [String]) throws {
    let (process, stdin, stdout) = try launch(binary, in: dir)
    defer {
        try? stdin.fileHandleForWriting.close()
        process.waitUntilExit()
    }
    var pending = Data()
    // The next output line to `who` (lines to others are dropped); nil at the end of output.
    func reply(to who: String) -> String? {
        while true {
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                if line.hasPrefix("-> \(who): ") { return line }
            }
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { return nil }
            pending.append(chunk)
        }
    }
    func say(_ line: String) { stdin.fileHandleForWriting.write(Data((line + "\n").utf8)) }
    say("probe: help")
    guard reply(to: "probe") != nil else { return }
    // WordNet is read on a thread of its own after start-up (about 2 s): the resident set and
    // the asks below meet it loaded, as in a bot that has run for a while.
    Thread.sleep(forTimeInterval: 4)
    let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
    let rss = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }.flatMap { $0.split(separator: " ").dropFirst().first }
    emit("bot_\(n)_members", Double(n / 5), "members", decimals: 0)
    emit("bot_\(n)_rss_serving", (Double(rss ?? "0") ?? 0) / 1024, "MB", decimals: 1)
    var samples: [Double] = []
    let pool = queries.isEmpty ? ["reverse mortgages"] : queries
    for i in 0..<300 {
        let who = "asker\(i)"
        let start = DispatchTime.now().uptimeNanoseconds
        say("\(who): ask \(pool[(i * 13) % pool.count])")
        // Its reply: the request recorded, or a refusal ("... no words I can match").
        guard let line = reply(to: who) else { break }
        if line.contains("Request #") { samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6) }
    }
    guard !samples.isEmpty else { return }
    samples.sort()
    emit("bot_\(n)_ask_p50", samples[samples.count / 2], "ms")
    emit("bot_\(n)_ask_p99", samples[min(samples.count - 1, Int(Double(samples.count) * 0.99))], "ms")
}

let args = CommandLine.arguments
let dataDir = args.count > 3 ? args[3] : (args.count > 2 && args[1] == "quality" ? args[2] : "Benchmarks/data")
switch args.count > 1 ? args[1] : "" {
case "quality":
    quality(dataDir)
case "chatcost":
    chatCost((args.count > 2 ? args[2] : "Benchmarks/data") + "/chat")
case "scale":
    let n = args.count > 2 ? Int(args[2]) ?? 10_000 : 10_000
    do { try scale(n, dataDir) } catch { print("scale_error 1 \(error)") }
case "bounded":
    let n = args.count > 2 ? Int(args[2]) ?? 100_000 : 100_000
    do { try bounded(n, dataDir) } catch { print("bounded_error 1 \(error)") }
case "standing":
    let n = args.count > 2 ? Int(args[2]) ?? 10_000 : 10_000
    do { try standing(n, args.count > 3 ? args[3] : "Benchmarks/data") } catch { print("standing_error 1 \(error)") }
case "bot":
    // bot N BINARY [DATA_DIR]
    let n = args.count > 2 ? Int(args[2]) ?? 10_000 : 10_000
    let binary = args.count > 3 ? args[3] : ".build/release/liaison"
    do { try bot(n, binary: binary, args.count > 4 ? args[4] : "Benchmarks/data") } catch { print("bot_error 1 \(error)") }
default:
    print("usage: LiaisonBench quality [DATA_DIR] | chatcost [DATA_DIR] | scale N [DATA_DIR] | bounded N [DATA_DIR] | standing N [DATA_DIR] | bot N BINARY [DATA_DIR]")
}
