import Foundation
import Testing
import LiaisonFuzzTargets
import LiaisonTestSupport

/// Issue 6, item 3. libFuzzer runs are `scripts/fuzz` (and a short pass in the test
/// command); this suite replays the seed corpus and every input that once crashed
/// (Fuzz/regressions/TARGET/), and runs a seeded pass of mutated inputs through each target
/// so a plain `swift test` exercises them too. A failure prints its seed; LIAISON_FUZZ_SEED
/// replays it.
@Suite struct FuzzReplayTests {
    static let fuzzDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    static func inputs(_ folder: String, _ target: FuzzTarget) -> [[UInt8]] {
        let dir = fuzzDirectory.appendingPathComponent(folder).appendingPathComponent(target.rawValue)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().compactMap {
            FileManager.default.contents(atPath: dir.appendingPathComponent($0).path).map { [UInt8]($0) }
        }
    }

    @Test(arguments: FuzzTarget.allCases)
    func corpusAndRegressionsReplay(_ target: FuzzTarget) throws {
        let seeds = Self.inputs("corpus", target)
        #expect(!seeds.isEmpty, "Fuzz/corpus/\(target.rawValue) has seed inputs")
        for input in seeds + Self.inputs("regressions", target) { try target.run(input) }
    }

    /// Byte-level mutations of the seeds (flip, insert, delete, splice, hostile bytes).
    @Test(arguments: FuzzTarget.allCases)
    func seededMutationsBreakNoPromise(_ target: FuzzTarget) throws {
        let seed = ProcessInfo.processInfo.environment["LIAISON_FUZZ_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...999_999)
        print("fuzz \(target.rawValue): seed \(seed)")
        var rng = SplitMix64(seed: seed)
        let seeds = Self.inputs("corpus", target)
        let hostile: [[UInt8]] = [[0], [0x0D], [0x0A], [0xFF], [0xC3], [0x01], Array("\\".utf8), Array("=".utf8), Array("[".utf8), Array(";".utf8), Array(":".utf8), Array(" ".utf8)]
        let rounds = target == .command ? 300 : 3_000
        for _ in 0..<rounds {
            var input = seeds.isEmpty ? [] : seeds[Int.random(in: 0..<seeds.count, using: &rng)]
            for _ in 0..<Int.random(in: 1...8, using: &rng) {
                let at = input.isEmpty ? 0 : Int.random(in: 0...input.count, using: &rng)
                switch Int.random(in: 0..<5, using: &rng) {
                case 0 where at < input.count: input[at] ^= UInt8.random(in: 1...255, using: &rng)
                case 1: input.insert(contentsOf: hostile[Int.random(in: 0..<hostile.count, using: &rng)], at: at)
                case 2 where at < input.count: input.remove(at: at)
                case 3: input.insert(contentsOf: repeatElement(UInt8.random(in: 0...255, using: &rng), count: Int.random(in: 1...600, using: &rng)), at: at)
                default:
                    if let other = seeds.randomElement(using: &rng) { input.insert(contentsOf: other.prefix(40), at: at) }
                }
            }
            do {
                try target.run(input)
            } catch {
                Issue.record("\(error) (seed \(seed), input bytes \(input))")
                return
            }
        }
    }
}
