import LiaisonIRCProtocol
import Testing
@testable import LiaisonIRC

/// Commands and numerics are typed once, when a line is parsed.
@Suite struct IRCCommandTests {
    @Test func recordedLinesParseToTypedCommands() {
        let verbs = (Recorded.inspircdRegistration + Recorded.inspircdSession).compactMap { IRCMessage.parse($0)?.verb }
        #expect(verbs.contains(.numeric(.welcome)) && verbs.contains(.numeric(.isupport)) && verbs.contains(.numeric(.whoxReply)))
        #expect(verbs.contains(.numeric(.away)) && verbs.contains(.invite) && verbs.contains(.kick) && verbs.contains(.pong))
        #expect(IRCMessage.parse(Recorded.line(Recorded.inspircdSession, " 401 "))?.verb == .numeric(.noSuchNick))
        #expect(IRCMessage.parse(Recorded.line(Recorded.ngircdSession, " QUIT "))?.verb == .quit)
        #expect(!verbs.contains { if case .other = $0 { true } else { false } }, "every command the bot meets here is known")
    }

    @Test func namesMatchIgnoringASCIICaseOnly() {
        #expect(IRCCommand("privmsg") == .privmsg && IRCCommand("PrivMsg") == .privmsg)
        // A dotless i upper-cases to I in Unicode, but IRC compares ASCII only.
        #expect(IRCCommand("prıvmsg") == .other("prıvmsg"))
        #expect(IRCCommand("FOO") == .other("FOO") && IRCCommand("") == .other(""))
    }

    @Test func numericsAreExactlyThreeDigits() {
        #expect(IRCCommand("001") == .numeric(.welcome) && IRCCommand("477") == .numeric(.needRegisteredNick))
        #expect(IRCCommand("999") == .numeric(IRCNumeric(rawValue: 999)))
        #expect(IRCCommand("01") == .other("01") && IRCCommand("1234") == .other("1234") && IRCCommand("٣٠١") == .other("٣٠١"))
        #expect(IRCNumeric.welcome.name == "001" && IRCCommand("005").name == "005")
    }

    @Test func theTextAsReceivedIsKeptAndTheVerbFollowsIt() {
        var message = IRCMessage(command: "privmsg", params: ["#a", "hi"])
        #expect(message.verb == .privmsg && message.command == "privmsg")
        #expect(message.serialized() == "privmsg #a hi")
        message.command = "NOTICE"
        #expect(message.verb == .notice)
        #expect(IRCCommand.privmsg.name == "PRIVMSG")
    }
}
