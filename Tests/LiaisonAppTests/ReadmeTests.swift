import Foundation
import Testing

/// The README's console walk-through is what a first-time user types: it must stay true.
@Suite struct ReadmeTests {
    static let readme = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("README.md")

    /// The fenced blocks that follow `marker`.
    func blocks(after marker: String, count: Int) throws -> [String] {
        let text = try String(contentsOf: Self.readme, encoding: .utf8)
        let start = try #require(text.range(of: marker))
        let parts = text[start.upperBound...].components(separatedBy: "```")
        // parts: [before, block1, between, block2, ...]
        return stride(from: 1, to: min(parts.count, count * 2), by: 2).map {
            parts[$0].drop { $0 != "\n" }.trimmingCharacters(in: .newlines)
        }
    }

    @Test func theWalkThroughOutputIsWhatTheBotPrints() throws {
        let blocks = try blocks(after: "Type (or pipe) these lines:", count: 2)
        #expect(blocks.count == 2)
        let dir = try LiaisonProcess.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try LiaisonProcess.console(blocks[0] + "\n", in: dir)
        #expect(result.status == 0)
        #expect(result.stdout.trimmingCharacters(in: .newlines) == blocks[1])
    }

    @Test func theFirstLinesGiveTheRunAndTestCommands() throws {
        let text = try String(contentsOf: Self.readme, encoding: .utf8)
        let head = text.split(separator: "\n").prefix(6).joined(separator: "\n")
        #expect(head.contains("swift run liaison"))
        #expect(head.contains("scripts/test"))
        let ci = try String(contentsOf: Self.readme.deletingLastPathComponent().appendingPathComponent(".ci/run"), encoding: .utf8)
        #expect(ci.split(separator: "\n").last == "scripts/test")
    }
}
