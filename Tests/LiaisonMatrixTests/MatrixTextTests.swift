import Foundation
import Testing
@testable import LiaisonMatrix

@Suite struct MatrixTextTests {
    @Test func aShortReplyIsOneEvent() {
        #expect(MatrixText.split("Added: rust.") == ["Added: rust."])
    }

    @Test func aLongReplySplitsAtLineBreaksIntoEventsThatFit() {
        let lines = (1...2_000).map { "member \($0) (@m\($0):example.org): sailing, knots & <rigging>, navigation" }
        let text = lines.joined(separator: "\n")
        #expect(MatrixText.size(text) > 65_536)
        let parts = MatrixText.split(text)
        #expect(parts.count > 1)
        for part in parts { #expect(MatrixText.size(part) <= MatrixText.budget) }
        #expect(parts.joined(separator: "\n") == text, "nothing lost, cut only at line breaks")
        #expect(MatrixText.split(text) == parts, "the same text splits the same way (retries reuse transaction IDs)")
    }

    @Test func oneHugeLineSplitsBetweenWordsThenCharacters() {
        let words = String(repeating: "word ", count: 30_000).trimmingCharacters(in: .whitespaces)
        let wordParts = MatrixText.split(words)
        #expect(wordParts.count > 1 && wordParts.allSatisfy { !$0.hasPrefix(" ") && !$0.hasSuffix(" ") && MatrixText.size($0) <= MatrixText.budget })
        #expect(wordParts.joined(separator: " ") == words)
        let blob = String(repeating: "é", count: 60_000)
        let parts = MatrixText.split(blob)
        #expect(parts.joined() == blob && parts.allSatisfy { MatrixText.size($0) <= MatrixText.budget })
    }
}
