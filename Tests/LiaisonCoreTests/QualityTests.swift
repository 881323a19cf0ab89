import Foundation
import Testing
@testable import LiaisonCore
import LiaisonTestSupport

/// Issue 5, items 1 and 2: matching and request detection measured on the labelled sets in
/// Benchmarks/data (made by Benchmarks/data/generate_eval.py; see its header for the labelling
/// rules). The asserted figures are over dev and holdout together; both splits and every
/// category are printed, so a gap between dev and holdout (a matcher fitted to the examples)
/// shows. Individual failures are printed for the dev split only: the holdout is never looked
/// at while tuning.
@Suite struct QualityTests {
    /// Detection reads WordNet only once it is loaded (the bot loads it in the background); wait for it here.
    init() { _ = Lexicon.system }

    typealias Directory = EvaluationData.Directory
    typealias Query = EvaluationData.Query
    typealias Line = EvaluationData.Line

    /// Tests/LiaisonCoreTests/ -> ../../Benchmarks/data/
    static let dataDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Benchmarks")
        .appendingPathComponent("data")

    static func load<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        try EvaluationData.load(type, from: dataDirectory.appendingPathComponent(name))
    }

    static func buildIndex(_ directory: Directory) -> MatchIndex {
        let index = MatchIndex()
        for (i, entry) in directory.entries.enumerated() {
            index.insert(topicID: Int64(i + 1), member: Identity(network: "bench", id: entry.member),
                         text: entry.topic)
        }
        index.setAliases(directory.aliases.map { (alias: $0.alias, topic: $0.topic) })
        return index
    }

    static func ratio(_ part: Int, _ whole: Int) -> Double {
        whole == 0 ? 1 : Double(part) / Double(whole)
    }

    static func figure(_ part: Int, _ whole: Int) -> String {
        whole == 0 ? "n/a" : String(format: "%.3f", ratio(part, whole))
    }

    // MARK: - Matching

    struct MatchTally {
        var queries = 0
        var top1 = 0        // positive query with an expected member on top, or no_match with no hit
        var positives = 0   // queries with a non-empty expected set
        var top3 = 0        // positive queries with an expected member among the first three

        mutating func add(_ other: MatchTally) {
            queries += other.queries
            top1 += other.top1
            positives += other.positives
            top3 += other.top3
        }

        var summary: String {
            "queries \(queries), precision@1 \(QualityTests.figure(top1, queries)), "
                + "recall@3 \(QualityTests.figure(top3, positives))"
        }
    }

    /// Standing requests skip a topic when `mayMatch` says no, so it must never say no to a
    /// topic that matches: checked for every labelled query against every topic of the
    /// members it finds and against every 25th topic of the directory.
    @Test func standingRequestPreCheckNeverSkipsAMatch() throws {
        let directory = try Self.load("matching-directory.json", as: Directory.self)
        let queries = try Self.load("matching-queries.json", as: [Query].self)
        let index = Self.buildIndex(directory)
        var topicsOf: [String: [String]] = [:]
        for entry in directory.entries { topicsOf[entry.member, default: []].append(entry.topic) }
        let sample = directory.entries.enumerated().filter { $0.offset % 25 == 0 }.map(\.element.topic)
        var checked = 0, matching = 0
        for query in queries {
            let found = index.search(query.query).prefix(5).flatMap { topicsOf[$0.member.id] ?? [] }
            for topic in found + sample {
                checked += 1
                guard index.relevance(query: query.query, topic: topic) > 0 else { continue }
                matching += 1
                #expect(index.mayMatch(query: query.query, topic: TopicAnalysis(topic)), "\(query.query) / \(topic)")
            }
        }
        print("quality standing pre-check: \(checked) pairs, \(matching) matching")
        #expect(matching > 500)
    }

    @Test func matchingPrecisionAndRecall() throws {
        let directory = try Self.load("matching-directory.json", as: Directory.self)
        let queries = try Self.load("matching-queries.json", as: [Query].self)
        let index = Self.buildIndex(directory)
        var topicsOf: [String: [String]] = [:]
        for entry in directory.entries { topicsOf[entry.member, default: []].append(entry.topic) }

        var all = MatchTally()
        var bySplit: [String: MatchTally] = [:]
        var byCategory: [String: MatchTally] = [:]
        var devFailures: [String] = []
        for query in queries {
            let hits = index.search(query.query)
            let expected = Set(query.expected)
            var t = MatchTally(queries: 1)
            if expected.isEmpty {
                if hits.isEmpty { t.top1 = 1 }
            } else {
                t.positives = 1
                if let top = hits.first, expected.contains(top.member.id) { t.top1 = 1 }
                if hits.prefix(3).contains(where: { expected.contains($0.member.id) }) { t.top3 = 1 }
            }
            all.add(t)
            bySplit[query.split, default: MatchTally()].add(t)
            byCategory[query.category, default: MatchTally()].add(t)
            if query.split == "dev", t.top1 == 0 || (t.positives == 1 && t.top3 == 0) {
                let top = hits.first.map { hit in
                    "\(hit.member.id) (\(String(format: "%.2f", hit.relevance))) lists "
                        + (topicsOf[hit.member.id] ?? []).joined(separator: "; ")
                } ?? "no hit"
                devFailures.append("[\(query.category)] \"\(query.query)\": expected "
                    + (expected.isEmpty ? "nothing" : "\(expected.count) member(s)")
                    + ", \(hits.count) hit(s), top: \(top)")
            }
        }

        print("quality matching all: \(all.summary)")
        for split in bySplit.keys.sorted() { print("quality matching \(split): \(bySplit[split]!.summary)") }
        for category in byCategory.keys.sorted() {
            print("quality matching category \(category): \(byCategory[category]!.summary)")
        }
        for failure in devFailures.prefix(80) { print("quality matching dev failure \(failure)") }
        if devFailures.count > 80 { print("quality matching dev failures: \(devFailures.count - 80) more") }

        let precision = Self.ratio(all.top1, all.queries)
        let recall = Self.ratio(all.top3, all.positives)
        #expect(precision >= 0.9, "precision@1 \(precision) is below the floor 0.9")
        #expect(recall >= 0.95, "recall@3 \(recall) is below the floor 0.95")
    }

    // MARK: - Detection

    struct DetectionTally {
        var lines = 0
        var positives = 0    // lines labelled with a topic
        var detections = 0   // lines the detector took as a request
        var truePositives = 0

        mutating func add(_ other: DetectionTally) {
            lines += other.lines
            positives += other.positives
            detections += other.detections
            truePositives += other.truePositives
        }

        var summary: String {
            "lines \(lines), detected \(detections), precision \(QualityTests.figure(truePositives, detections)), "
                + "recall \(QualityTests.figure(truePositives, positives))"
        }
    }

    @Test func detectionPrecisionAndRecall() throws {
        let lines = try Self.load("detection-corpus.json", as: [Line].self)
        var all = DetectionTally()
        var bySplit: [String: DetectionTally] = [:]
        var byCategory: [String: DetectionTally] = [:]
        var devFailures: [String] = []
        // SPEC §2 (issue 12) made "who knows how to X?" a request; this set's how-to lines were
        // labelled before it. Those forms are measured on the chat set (ChatQualityTests).
        for line in lines where line.category != "nm_howto" {
            let detected = RequestDetector.detect(line.line, addressed: line.addressed)
            var t = DetectionTally(lines: 1)
            if line.topic != nil { t.positives = 1 }
            if detected != nil { t.detections = 1 }
            if detected != nil, line.topic != nil { t.truePositives = 1 }
            all.add(t)
            bySplit[line.split, default: DetectionTally()].add(t)
            byCategory[line.category, default: DetectionTally()].add(t)
            if line.split == "dev", (detected == nil) != (line.topic == nil) {
                var shown = ""
                for scalar in line.line.unicodeScalars {
                    if scalar.value < 32 {
                        shown += "\\u{\(String(scalar.value, radix: 16))}"
                    } else {
                        shown.unicodeScalars.append(scalar)
                    }
                }
                let kind = detected == nil ? "missed" : "false positive"
                devFailures.append("[\(line.category)] \(kind)\(line.addressed ? " (addressed)" : ""): \"\(shown)\""
                    + (detected.map { " -> \"\($0)\"" } ?? ""))
            }
        }

        print("quality detection all: \(all.summary)")
        for split in bySplit.keys.sorted() { print("quality detection \(split): \(bySplit[split]!.summary)") }
        for category in byCategory.keys.sorted() {
            print("quality detection category \(category): \(byCategory[category]!.summary)")
        }
        for failure in devFailures.prefix(80) { print("quality detection dev failure \(failure)") }
        if devFailures.count > 80 { print("quality detection dev failures: \(devFailures.count - 80) more") }

        let precision = Self.ratio(all.truePositives, all.detections)
        #expect(all.detections > 0, "the detector took no line as a request")
        #expect(precision >= 0.98, "detection precision \(precision) is below the floor 0.98")
    }

    // MARK: - The sets cannot shrink silently

    @Test func evaluationSetsKeepTheirSize() throws {
        let directory = try Self.load("matching-directory.json", as: Directory.self)
        let queries = try Self.load("matching-queries.json", as: [Query].self)
        let lines = try Self.load("detection-corpus.json", as: [Line].self)

        #expect(directory.entries.count >= 2000)
        #expect(Set(directory.entries.map(\.member)).count >= 700)
        #expect(!directory.aliases.isEmpty)

        #expect(queries.count >= 300)
        let noMatch = queries.filter { $0.category == "no_match" }
        #expect(noMatch.count >= 40)
        #expect(noMatch.allSatisfy { $0.expected.isEmpty })
        #expect(queries.filter { $0.category != "no_match" }.allSatisfy { !$0.expected.isEmpty })
        for category in ["word_form", "typo1", "typo2", "word_order", "alias", "multi_word", "accents_case",
                         "compound", "exact"] {
            #expect(queries.filter { $0.category == category }.count >= 20, "category \(category) shrank")
        }
        let queryHoldout = Self.ratio(queries.filter { $0.split == "holdout" }.count, queries.count)
        #expect((0.25...0.35).contains(queryHoldout), "query holdout share \(queryHoldout)")
        #expect(queries.allSatisfy { $0.split == "dev" || $0.split == "holdout" })

        #expect(lines.count >= 400)
        let nearMiss = Self.ratio(lines.filter { $0.topic == nil }.count, lines.count)
        #expect(nearMiss >= 0.4, "near-miss share \(nearMiss)")
        let lineHoldout = Self.ratio(lines.filter { $0.split == "holdout" }.count, lines.count)
        #expect((0.25...0.35).contains(lineHoldout), "detection holdout share \(lineHoldout)")
        #expect(lines.allSatisfy { $0.split == "dev" || $0.split == "holdout" })
    }
}
