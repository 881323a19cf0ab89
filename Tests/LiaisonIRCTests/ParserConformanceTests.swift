import Foundation
import Testing
@testable import LiaisonIRC
@testable import LiaisonIRCProtocol

/// The ircdocs parser tests (PyPI `irc-parser-tests`, CC0), converted to JSON by
/// scripts/irc/parser-tests-json.py into the folder named by IRC_PARSER_TESTS. Every case
/// of every file runs; the suite is skipped when the variable is unset, so a plain
/// `swift test` needs no network.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["IRC_PARSER_TESTS"] != nil))
struct ParserConformanceTests {
    /// The atoms of one message as the suite writes them; tags are [key, value] pairs.
    struct Atoms: Decodable {
        var tags: [[String]]?
        var source: String?
        var verb: String
        var params: [String]?
    }

    struct SplitCase: Decodable {
        var input: String
        var atoms: Atoms
    }

    struct JoinCase: Decodable {
        var desc: String?
        var atoms: Atoms
        var matches: [String]
    }

    struct UserhostCase: Decodable {
        struct Parts: Decodable {
            var nick: String?
            var user: String?
            var host: String?
        }
        var source: String
        var atoms: Parts
    }

    struct MaskCase: Decodable {
        var mask: String
        var matches: [String]?
        var fails: [String]?
    }

    struct File<Case: Decodable>: Decodable {
        var tests: [Case]
    }

    static func load<Case: Decodable>(_ name: String, as type: Case.Type) throws -> [Case] {
        let folder = ProcessInfo.processInfo.environment["IRC_PARSER_TESTS"] ?? ""
        let url = URL(fileURLWithPath: folder).appendingPathComponent(name + ".json")
        return try JSONDecoder().decode(File<Case>.self, from: Data(contentsOf: url)).tests
    }

    /// The message the atoms describe, tags in the order the suite lists them.
    static func message(_ atoms: Atoms) -> IRCMessage {
        let tags = (atoms.tags ?? []).map { pair in (key: pair.first ?? "", value: pair.count > 1 ? pair[1] : "") }
        return IRCMessage(tags: tags, source: atoms.source, command: atoms.verb, params: atoms.params ?? [])
    }

    @Test func msgSplit() throws {
        let cases = try Self.load("msg-split", as: SplitCase.self)
        #expect(!cases.isEmpty)
        for test in cases {
            let parsed = try #require(IRCMessage.parse(test.input), "no message from \(test.input.debugDescription)")
            let expected = Self.message(test.atoms)
            let expectedTags = Dictionary(expected.tags.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
            let parsedTags = Dictionary(parsed.tags.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
            #expect(parsedTags == expectedTags, "tags of \(test.input.debugDescription)")
            #expect(parsed.tags.count == parsedTags.count, "repeated tag kept in \(test.input.debugDescription)")
            #expect(parsed.source == expected.source, "source of \(test.input.debugDescription)")
            #expect(parsed.command.uppercased() == expected.command.uppercased(), "verb of \(test.input.debugDescription)")
            #expect(parsed.params == expected.params, "params of \(test.input.debugDescription)")
        }
    }

    @Test func msgJoin() throws {
        let cases = try Self.load("msg-join", as: JoinCase.self)
        #expect(!cases.isEmpty)
        for test in cases {
            let message = Self.message(test.atoms)
            let line = message.serialized()
            // The suite lists every acceptable form (tag order and ':' on the last param
            // may vary), so the line must be one of them; reading it back must give the
            // same atoms as well.
            #expect(test.matches.contains(line), "\(test.desc ?? "") gave \(line.debugDescription)")
            #expect(IRCMessage.parse(line) == message, "\(test.desc ?? "") does not read back")
        }
    }

    @Test func userhostSplit() throws {
        let cases = try Self.load("userhost-split", as: UserhostCase.self)
        #expect(!cases.isEmpty)
        for test in cases {
            let source = IRCSource.parse(test.source)
            // The suite writes an absent part as missing; IRCSource has nil for it.
            #expect(source.nick == (test.atoms.nick ?? ""), "nick of \(test.source.debugDescription)")
            #expect((source.user ?? "") == (test.atoms.user ?? ""), "user of \(test.source.debugDescription)")
            #expect((source.host ?? "") == (test.atoms.host ?? ""), "host of \(test.source.debugDescription)")
        }
    }

    @Test func maskMatch() throws {
        let cases = try Self.load("mask-match", as: MaskCase.self)
        #expect(!cases.isEmpty)
        for test in cases {
            for string in test.matches ?? [] {
                #expect(IRCMask.matches(test.mask, string), "\(test.mask) should match \(string)")
            }
            for string in test.fails ?? [] {
                #expect(!IRCMask.matches(test.mask, string), "\(test.mask) should not match \(string)")
            }
        }
    }

    /// Says how many cases each file holds, so a run that silently read nothing is seen.
    @Test func everyFileHasCases() throws {
        let counts = [
            ("msg-split", try Self.load("msg-split", as: SplitCase.self).count),
            ("msg-join", try Self.load("msg-join", as: JoinCase.self).count),
            ("userhost-split", try Self.load("userhost-split", as: UserhostCase.self).count),
            ("mask-match", try Self.load("mask-match", as: MaskCase.self).count),
        ]
        for (name, count) in counts {
            print("irc-parser-tests \(name): \(count) cases")
            #expect(count > 0, "\(name) has no cases")
        }
    }
}
