import Foundation
import Testing
@testable import LiaisonCore
import LiaisonTestSupport

/// Issue 12, item 5: matching and detection on the chat set (Benchmarks/data/chat, made by
/// generate_chat_eval.py before any tuning). The floors are asserted on the held-out part;
/// every tier of both splits is printed, and the dev failures, never the held-out ones.
@Suite struct ChatQualityTests {
    /// Detection reads WordNet only once it is loaded (the bot loads it in the background); wait for it here.
    init() { _ = Lexicon.system }

    static let dataDirectory = QualityTests.dataDirectory.appendingPathComponent("chat")

    static func load<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        try EvaluationData.load(type, from: dataDirectory.appendingPathComponent(name))
    }

    @Test func matchingOnChatPhrasing() throws {
        let directory = try Self.load("chat-directory.json", as: EvaluationData.Directory.self)
        let queries = try Self.load("chat-queries.json", as: [ChatEvaluation.Query].self)
        var topicsOf: [String: [String]] = [:]
        for entry in directory.entries { topicsOf[entry.member, default: []].append(entry.topic) }
        let result = ChatEvaluation.run(queries, on: ChatEvaluation.index(directory), topicsOf: topicsOf)
        for tier in ChatEvaluation.tiers {
            for split in ["dev", "holdout"] {
                let t = result.tally(tier, split)
                print("quality chat \(tier) \(split): queries \(t.queries), precision@1 \(String(format: "%.3f", t.precision)), "
                    + "offered \(String(format: "%.3f", t.offerRate))")
            }
        }
        for failure in result.devFailures { print("quality chat dev failure \(failure)") }
        let held = { (tier: String) in result.tally(tier, "holdout") }
        #expect(held("phrasing").precision >= 0.95, "phrasing precision@1 \(held("phrasing").precision)")
        #expect(held("forms_typos").precision >= 0.95, "forms/typos precision@1 \(held("forms_typos").precision)")
        #expect(held("related").precision >= 0.75, "related precision@1 \(held("related").precision)")
        #expect(held("nobody_fits").offerRate <= 0.02, "nobody-fits offer rate \(held("nobody_fits").offerRate)")
    }

    @Test func detectionOnChatLines() throws {
        let lines = try Self.load("chat-detection.json", as: [EvaluationData.Line].self)
        var found: [String: (tp: Int, detected: Int, positives: Int)] = [:]
        for line in lines {
            let detected = RequestDetector.detect(line.line, addressed: line.addressed)
            var f = found[line.split] ?? (0, 0, 0)
            if detected != nil { f.detected += 1 }
            if line.topic != nil { f.positives += 1 }
            if detected != nil, line.topic != nil { f.tp += 1 }
            found[line.split] = f
            if line.split == "dev", (detected == nil) != (line.topic == nil) {
                print("quality chat detection dev failure [\(line.category)] \(detected == nil ? "missed" : "false positive"): "
                    + "\"\(line.line)\"" + (detected.map { " -> \"\($0)\"" } ?? ""))
            }
        }
        for split in ["dev", "holdout"] {
            let f = found[split] ?? (0, 0, 0)
            print("quality chat detection \(split): lines with a request \(f.positives), detected \(f.detected), "
                + "precision \(QualityTests.figure(f.tp, f.detected)), recall \(QualityTests.figure(f.tp, f.positives))")
        }
        let held = found["holdout"] ?? (0, 0, 0)
        #expect(QualityTests.ratio(held.tp, held.positives) >= 0.95, "detection recall \(held)")
        #expect(QualityTests.ratio(held.tp, held.detected) >= 0.99, "detection precision \(held)")
    }

    @Test func chatSetKeepsItsSize() throws {
        let directory = try Self.load("chat-directory.json", as: EvaluationData.Directory.self)
        let queries = try Self.load("chat-queries.json", as: [ChatEvaluation.Query].self)
        let lines = try Self.load("chat-detection.json", as: [EvaluationData.Line].self)
        #expect(Set(directory.entries.map(\.member)).count >= 100)
        #expect(queries.count >= 300)
        for tier in ChatEvaluation.tiers {
            #expect(queries.filter { $0.category == tier }.count >= 50, "tier \(tier) shrank")
        }
        #expect(queries.filter { $0.category == "nobody_fits" }.allSatisfy { $0.expected.isEmpty })
        #expect(lines.count >= 300)
        #expect(lines.filter { $0.topic == nil }.count * 2 >= lines.count)
        let holdout = QualityTests.ratio(queries.filter { $0.split == "holdout" }.count, queries.count)
        #expect((0.25...0.35).contains(holdout))
    }
}
