import LiaisonIRCProtocol
import Foundation
import Testing
@testable import LiaisonIRC

/// draft/multiline: several lines go as one batch within the server's limits, framed so a
/// server reads it back as one message, with nothing on the wire a line break could hide in.
@Suite struct MultilineTests {
    @Test func theCapabilityValueGivesTheLimits() {
        #expect(Multiline(capValue: "max-bytes=4096,max-lines=24") == Multiline(maxBytes: 4096, maxLines: 24))
        #expect(Multiline(capValue: "max-lines=5,max-bytes=100") == Multiline(maxBytes: 100, maxLines: 5))
        #expect(Multiline(capValue: "max-bytes=100") == Multiline(maxBytes: 100, maxLines: nil))
        #expect(Multiline(capValue: "") == nil, "max-bytes is required")
        #expect(Multiline(capValue: "max-bytes=x,max-lines=-3,=,max-bytes") == nil)
        #expect(Multiline(capValue: "max-bytes=0") == nil)
    }

    @Test func linesAreGroupedWithinMaxLinesAndMaxBytes() {
        let lines = ["aaaa", "bbbb", "cccc", "dddd", "eeee"]
        #expect(Multiline(maxBytes: 4096, maxLines: 2).groups(lines) == [["aaaa", "bbbb"], ["cccc", "dddd"], ["eeee"]])
        // Four bytes a line and one between: two lines take 9 bytes, three take 14.
        #expect(Multiline(maxBytes: 9, maxLines: nil).groups(lines) == [["aaaa", "bbbb"], ["cccc", "dddd"], ["eeee"]])
        #expect(Multiline(maxBytes: 14, maxLines: nil).groups(lines) == [["aaaa", "bbbb", "cccc"], ["dddd", "eeee"]])
        #expect(Multiline(maxBytes: 3, maxLines: nil).groups(["toolong", "x"]) == [["toolong"], ["x"]],
                "a line too long for any batch goes alone")
        #expect(Multiline(maxBytes: 100, maxLines: 1).groups(lines).allSatisfy { $0.count == 1 })
        #expect(Multiline(maxBytes: 100, maxLines: nil).groups([]).isEmpty)
    }

    @Test func aBatchIsFramedWithItsReferenceOnEveryLine() {
        let wire = Multiline.frame(["Introduction offer #3: bob", ":starts with a colon"], target: "alice", reference: "ml1")
        #expect(wire == [
            "BATCH +ml1 draft/multiline alice",
            "@batch=ml1 PRIVMSG alice :Introduction offer #3: bob",
            "@batch=ml1 PRIVMSG alice ::starts with a colon",
            "BATCH -ml1",
        ])
        let hostile = Multiline.frame(["a\r\nQUIT :x", "b\u{0}c"], target: "al ice\r\n", reference: "r")
        #expect(hostile.allSatisfy { !$0.contains("\r") && !$0.contains("\n") && !$0.contains("\u{0}") })
        #expect(hostile.count == 4)
    }

    @Test func theSessionOffersMultilineOnlyWithBatchAndAValue() {
        var session = IRCSession(nick: "liaison", user: "l", realname: "L", sasl: .none)
        _ = session.start()
        _ = session.handle(IRCMessage.parse(":s CAP * LS :batch draft/multiline=max-bytes=4096,max-lines=24 echo-message")!)
        #expect(session.multiline == nil, "nothing enabled yet")
        _ = session.handle(IRCMessage.parse(":s CAP * ACK :batch draft/multiline echo-message")!)
        #expect(session.multiline == Multiline(maxBytes: 4096, maxLines: 24))
        _ = session.handle(IRCMessage.parse(":s CAP * DEL :batch")!)
        #expect(session.multiline == nil, "without batch there is no batch to send")
    }
}
