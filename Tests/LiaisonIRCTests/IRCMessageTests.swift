import Testing
@testable import LiaisonIRC
@testable import LiaisonIRCProtocol
import LiaisonTestSupport

/// Text pieces that stress byte counting: ASCII, accents (2 bytes), CJK (3), emoji (4),
/// emoji sequences (one grapheme, many scalars), combining marks and runs of spaces.
private let samplePieces = [
    "a", "word", "Zürich", "é", "e\u{301}", "日本語", "中", "😀", "👩‍👩‍👧‍👦", "🇫🇷", "a\u{300}\u{301}\u{302}",
    " ", " ", " ", "  ", "x", "\u{01}", "\u{02}bold\u{02}", ":", "#", "🏳️‍🌈", "ħ", "ꙮ",
]

private func randomText(_ rng: inout SplitMix64, maxPieces: Int = 120) -> String {
    let count = Int.random(in: 1...maxPieces, using: &rng)
    return (0..<count).map { _ in samplePieces.randomElement(using: &rng) ?? "a" }.joined()
}

@Suite struct IRCMessageParseTests {
    @Test func readsTagsSourceCommandAndParams() throws {
        let line = "@account=alice;time=2024-01-01T00:00:00.000Z;+draft/reply=abc :alice!~a@host PRIVMSG #chan :hello there"
        let message = try #require(IRCMessage.parse(line))
        #expect(message.tag("account") == "alice")
        #expect(message.tag("+draft/reply") == "abc")
        #expect(message.tag("missing") == nil)
        #expect(message.tags.map(\.key) == ["account", "time", "+draft/reply"])
        #expect(message.source == "alice!~a@host")
        #expect(message.command == "PRIVMSG")
        #expect(message.params == ["#chan", "hello there"])
    }

    @Test func noCommandIsNoMessage() {
        #expect(IRCMessage.parse("") == nil)
        #expect(IRCMessage.parse("   ") == nil)
        #expect(IRCMessage.parse("@a=b") == nil)
        #expect(IRCMessage.parse("@a=b :src") == nil)
        #expect(IRCMessage.parse(":src   ") == nil)
        #expect(IRCMessage.parse(": PING x")?.source == nil)
    }

    @Test func repeatedTagKeepsLastValue() throws {
        let message = try #require(IRCMessage.parse("@a=1;b;a=2 PING"))
        #expect(message.tag("a") == "2")
        #expect(message.tag("b") == "")
        #expect(message.tags.count == 2)
    }

    @Test func commandsCompareCaseInsensitively() {
        #expect(IRCMessage.parse("privmsg #a :x") == IRCMessage(command: "PRIVMSG", params: ["#a", "x"]))
        #expect(IRCMessage.parse("PRIVMSG #a :x") != IRCMessage(command: "NOTICE", params: ["#a", "x"]))
    }

    @Test func tagValuesUnescape() throws {
        let message = try #require(IRCMessage.parse(#"@a=semi\:space\sback\\cr\rlf\n;b=\x\;c=\\n PING"#))
        #expect(message.tag("a") == "semi;space back\\cr\rlf\n")
        #expect(message.tag("b") == "x")  // unknown escape keeps the letter, lone trailing '\' dropped
        #expect(message.tag("c") == "\\n")  // an escaped backslash then a plain n, not LF
    }
}

@Suite struct IRCMessageSerializeTests {
    @Test func tagValuesEscape() {
        let message = IRCMessage(tags: [(key: "a", value: "x;y z\\\r\n"), (key: "flag", value: "")],
                                 command: "TAGMSG", params: ["#c"])
        #expect(message.serialized() == #"@a=x\:y\sz\\\r\n;flag TAGMSG #c"#)
    }

    @Test func lastParamGetsColonOnlyWhenNeeded() {
        #expect(IRCMessage(command: "JOIN", params: ["#a"]).serialized() == "JOIN #a")
        #expect(IRCMessage(command: "PRIVMSG", params: ["#a", "hi there"]).serialized() == "PRIVMSG #a :hi there")
        #expect(IRCMessage(command: "PRIVMSG", params: ["#a", ""]).serialized() == "PRIVMSG #a :")
        #expect(IRCMessage(command: "PRIVMSG", params: ["#a", ":)"]).serialized() == "PRIVMSG #a ::)")
        #expect(IRCMessage(command: "QUIT").serialized() == "QUIT")
    }

    @Test func knownMessagesRoundTrip() throws {
        let lines = [
            "@time=2024-01-01T00:00:00Z;msgid=x :nick!user@host PRIVMSG #chan :hello :) world ",
            ":server.example 005 me CASEMAPPING=rfc1459 LINELEN=1024 :are supported by this server",
            "CAP REQ :sasl message-tags echo-message",
            "AUTHENTICATE +",
            ":n!u@h NOTICE me :\u{01}VERSION Liaison\u{01}",
            "PRIVMSG #日本 :日本語のテキスト 😀",
        ]
        for line in lines {
            let message = try #require(IRCMessage.parse(line))
            #expect(message.serialized() == line)
        }
    }

    @Test func randomMessagesRoundTrip() throws {
        var rng = SplitMix64(seed: 0x1A15_0A)
        for _ in 0..<500 {
            let middle = (0..<Int.random(in: 0...4, using: &rng)).map { i in
                "p\(i)" + randomText(&rng, maxPieces: 4).filter { $0 != " " && $0 != "\u{01}" }
            }
            let trailing = Bool.random(using: &rng) ? [randomText(&rng, maxPieces: 20)] : []
            let tags = (0..<Int.random(in: 0...3, using: &rng)).map { i in
                (key: "k\(i)", value: Bool.random(using: &rng) ? "" : randomText(&rng, maxPieces: 6) + ";\\ \r\n")
            }
            let message = IRCMessage(tags: tags, source: Bool.random(using: &rng) ? "n!u@h" : nil,
                                     command: "PRIVMSG", params: middle + trailing)
            #expect(IRCMessage.parse(message.serialized()) == message, "\(message.serialized().debugDescription)")
        }
    }

    @Test func crLfNulNeverSurvive() throws {
        let evil = "a\rb\nc\0d\r\nQUIT :bye"
        let message = IRCMessage(tags: [(key: "k\r\n\0 ;=", value: evil)], source: evil,
                                 command: "PRIVMSG\r\n", params: [evil, "", ":x", evil])
        let line = message.serialized()
        #expect(!line.utf8.contains(0x0D))
        #expect(!line.utf8.contains(0x0A))
        #expect(!line.utf8.contains(0x00))
        // Nothing a user typed can add or remove a parameter.
        let back = try #require(IRCMessage.parse(line))
        #expect(back.params.count == 4)
        #expect(back.params.last == "a b c d  QUIT :bye")
        #expect(back.tags.count == 1)
    }

    @Test func aCommandCannotReadAsTagsOrSource() {
        #expect(IRCMessage(command: "@a=b", params: ["x"]).serialized() == "_a=b x")
        #expect(IRCMessage(source: "s", command: ":x").serialized() == ":s :x")
    }

    @Test func spacesInATargetCannotInjectParams() throws {
        let message = IRCMessage(command: "PRIVMSG", params: ["#chan :evil", "text"])
        let back = try #require(IRCMessage.parse(message.serialized()))
        #expect(back.params == ["#chan_:evil", "text"])
    }
}

@Suite struct IRCSourceTests {
    @Test func splitsTheUsualForms() {
        #expect(IRCSource.parse("nick!user@host") == IRCSource(nick: "nick", user: "user", host: "host"))
        #expect(IRCSource.parse("nick@host") == IRCSource(nick: "nick", host: "host"))
        #expect(IRCSource.parse("nick") == IRCSource(nick: "nick"))
        #expect(IRCSource.parse("irc.example.net").isServer)
        #expect(!IRCSource.parse("nick!u@irc.example.net").isServer)
        #expect(IRCSource.parse("nick!user@") == IRCSource(nick: "nick", user: "user"))
    }
}

@Suite struct IRCTextTests {
    @Test func sanitizeKeepsFormattingAndCTCP() {
        #expect(IRCText.sanitize("a\r\nb\0c\td\u{07}e") == "a  b c d e")
        let formatted = "\u{01}ACTION \u{02}b\u{03}4,5c\u{0F}\u{11}\u{16}\u{1D}\u{1E}\u{1F}\u{01}"
        #expect(IRCText.sanitize(formatted) == formatted)
    }

    /// Walks the original text chunk by chunk: each chunk must appear next, in order,
    /// with only spaces between chunks and after the last one.
    private func rejoins(_ chunks: [String], _ text: String) -> Bool {
        let original = Array(text.unicodeScalars)
        var at = 0
        for chunk in chunks {
            let piece = Array(chunk.unicodeScalars)
            if !original[at...].starts(with: piece) {
                while at < original.count, original[at] == " " { at += 1 }
            }
            guard original[at...].starts(with: piece) else { return false }
            at += piece.count
        }
        return original[at...].allSatisfy { $0 == " " }
    }

    @Test func splitNeverExceedsTheBudgetOnRandomText() {
        var rng = SplitMix64(seed: 42)
        for round in 0..<500 {
            let text = randomText(&rng)
            let maxBytes = round % 5 == 0 ? Int.random(in: 4...12, using: &rng) : Int.random(in: 13...400, using: &rng)
            let chunks = IRCText.split(text, maxBytes: maxBytes)
            #expect(!chunks.isEmpty)
            #expect(chunks.allSatisfy { !$0.isEmpty && $0.utf8.count <= maxBytes }, "\(maxBytes): \(chunks)")
            #expect(rejoins(chunks, text), "\(maxBytes): \(text.debugDescription) -> \(chunks)")
        }
    }

    @Test func splitsAtWordsWhenItCan() {
        #expect(IRCText.split("hello world again", maxBytes: 12) == ["hello world", "again"])
        #expect(IRCText.split("aaaaaaaaaa bbbbbbbbbb", maxBytes: 10) == ["aaaaaaaaaa", "bbbbbbbbbb"])
        // A space only in the first half is not worth a nearly empty chunk.
        #expect(IRCText.split("a bcdefghijklmnop", maxBytes: 10) == ["a bcdefghi", "jklmnop"])
        #expect(IRCText.split("short", maxBytes: 10) == ["short"])
        #expect(IRCText.split("", maxBytes: 10) == [])
        #expect(IRCText.split("word          ", maxBytes: 6) == ["word"])
        // Long messages split at a sentence end where the budget allows, then a clause end,
        // then a space: a second line never starts with a fragment like "them directly;".
        let intro = "Introduction #4 (rust): meet bob on IRC, who asked in #dev. Message them directly; \"thanks 4\" passes your thanks on."
        #expect(IRCText.split(intro, maxBytes: 80) == ["Introduction #4 (rust): meet bob on IRC, who asked in #dev.",
                                                      "Message them directly; \"thanks 4\" passes your thanks on."])
        #expect(IRCText.split("one two three four, five six seven eight nine ten", maxBytes: 30)
                == ["one two three four,", "five six seven eight nine ten"])
    }

    @Test func splitKeepsCharactersWhole() {
        // é as e + combining accent: 3 bytes that stay together while they fit.
        let accents = String(repeating: "e\u{301}", count: 10)
        let chunks = IRCText.split(accents, maxBytes: 7)
        #expect(chunks.allSatisfy { $0.unicodeScalars.first == "e" && $0.utf8.count <= 7 })
        #expect(chunks.joined() == accents)
        // A family emoji (25 bytes) only breaks between its scalars when it cannot fit.
        let family = "👩‍👩‍👧‍👦"
        #expect(IRCText.split(family + family, maxBytes: 30) == [family, family])
        let pieces = IRCText.split(family, maxBytes: 8)
        #expect(pieces.joined() == family && pieces.allSatisfy { $0.utf8.count <= 8 })
        // A 4-byte scalar cannot go in 3 bytes: it is dropped rather than cut.
        #expect(IRCText.split("ab😀cd", maxBytes: 3) == ["abc", "d"])
    }

    @Test func payloadBudgetFillsTheLineExactly() {
        let budget = IRCText.payloadBudget(command: "PRIVMSG", target: "#liaison", nick: "Liaison",
                                           user: "~liaison", host: "gateway/shell/example.org")
        let line = ":Liaison!~liaison@gateway/shell/example.org PRIVMSG #liaison :"
            + String(repeating: "x", count: budget) + "\r\n"
        #expect(line.utf8.count == 512)
        // Unknown user and host: assume 10 and 63 bytes.
        let unknown = IRCText.payloadBudget(command: "NOTICE", target: "bob", nick: "Liaison", user: nil, host: nil)
        let worst = ":Liaison!\(String(repeating: "u", count: 10))@\(String(repeating: "h", count: 63)) NOTICE bob :"
            + String(repeating: "x", count: unknown) + "\r\n"
        #expect(worst.utf8.count == 512)
        #expect(IRCText.payloadBudget(command: "NOTICE", target: "bob", nick: "Liaison", user: nil, host: nil,
                                      lineLimit: 1024) == unknown + 512)
        #expect(IRCText.payloadBudget(command: "PRIVMSG", target: "#c", nick: "n", user: nil, host: nil,
                                      lineLimit: 10) == 0)
    }

    @Test func splitWithTheBudgetKeepsEveryLineWithin512() {
        var rng = SplitMix64(seed: 7)
        let budget = IRCText.payloadBudget(command: "PRIVMSG", target: "#c", nick: "bot", user: nil, host: nil)
        let text = (0..<40).map { _ in randomText(&rng) }.joined(separator: " ")
        for chunk in IRCText.split(text, maxBytes: budget) {
            let line = ":bot!\(String(repeating: "u", count: 10))@\(String(repeating: "h", count: 63)) "
                + IRCMessage(command: "PRIVMSG", params: ["#c", chunk]).serialized() + "\r\n"
            #expect(line.utf8.count <= 512)
        }
    }
}

@Suite struct IRCCasemappingTests {
    @Test func foldsPerMapping() {
        #expect(IRCCasemapping.ascii.fold("Nick[]\\^~") == "nick[]\\^~")
        #expect(IRCCasemapping.rfc1459.fold("Nick[]\\^") == IRCCasemapping.rfc1459.fold("nICK{}|~"))
        #expect(IRCCasemapping.rfc1459Strict.fold("[]\\") == "{}|")
        #expect(IRCCasemapping.rfc1459Strict.fold("^") != IRCCasemapping.rfc1459Strict.fold("~"))
        #expect(IRCCasemapping.rfc1459.fold("ÉCOLE") == "École")  // only ASCII folds
        #expect(IRCCasemapping.rfc7613.fold("ÉCOLE") == IRCCasemapping.rfc7613.fold("e\u{301}cole"))
    }

    @Test func readsISupport() {
        #expect(IRCCasemapping(isupport: "ascii") == .ascii)
        #expect(IRCCasemapping(isupport: "rfc1459-strict") == .rfc1459Strict)
        #expect(IRCCasemapping(isupport: "strict-rfc1459") == .rfc1459Strict)
        #expect(IRCCasemapping(isupport: "RFC7613") == .rfc7613)
        #expect(IRCCasemapping(isupport: "something-new") == .rfc1459)
    }
}

@Suite struct IRCMaskTests {
    @Test func matchesGlobs() {
        #expect(IRCMask.matches("*!*@*.example.com", "Bob!~b@host.example.com"))
        #expect(!IRCMask.matches("*!*@*.example.com", "Bob!~b@example.com"))
        #expect(IRCMask.matches("b?b!*@*", "BOB!x@y"))
        #expect(IRCMask.matches("nick[a]*", "NICK{A}!u@h"))
        #expect(!IRCMask.matches("nick[a]*", "NICK{A}!u@h", casemapping: .ascii))
        #expect(IRCMask.matches("*", ""))
        #expect(!IRCMask.matches("?", ""))
        #expect(IRCMask.matches("😀?", "😀é"))
    }

    @Test(.timeLimit(.minutes(1)))
    func pathologicalMaskFinishes() {
        let long = String(repeating: "a", count: 100_000)
        #expect(!IRCMask.matches("*a*a*a*a*a*a*a*a*b", long))
        #expect(IRCMask.matches("*a*a*a*a*a*a*a*a*", long))
    }
}

@Suite struct CTCPTests {
    @Test func parsesAndEncodes() throws {
        let version = try #require(CTCP.parse("\u{01}VERSION\u{01}"))
        #expect(version.command == "VERSION" && version.argument == "")
        let action = try #require(CTCP.parse("\u{01}ACTION waves\u{01}"))
        #expect(action.command == "ACTION" && action.argument == "waves")
        // Lower case and a missing final \u{01} still read.
        let unterminated = try #require(CTCP.parse("\u{01}action waves hello"))
        #expect(unterminated.command == "ACTION" && unterminated.argument == "waves hello")
        #expect(CTCP.parse("plain text") == nil)
        #expect(CTCP.parse("\u{01}\u{01}") == nil)
        #expect(CTCP.encode("VERSION", nil) == "\u{01}VERSION\u{01}")
        #expect(CTCP.encode("ACTION", "waves") == "\u{01}ACTION waves\u{01}")
        #expect(CTCP.encode("ACTION", "a\u{01}b") == "\u{01}ACTION a b\u{01}")
    }
}
