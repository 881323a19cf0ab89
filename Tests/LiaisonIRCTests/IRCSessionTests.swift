import LiaisonIRCProtocol
import Foundation
import Testing
@testable import LiaisonIRC

/// Registration, CAP and SASL against recorded server lines (InspIRCd 3 + Atheme).
@Suite struct IRCSessionTests {
    func lines(_ events: [SessionEvent]) -> [String] {
        events.compactMap { if case .send(let m) = $0 { m.serialized() } else { nil } }
    }

    func feed(_ session: inout IRCSession, _ raw: String) -> [SessionEvent] {
        guard let message = IRCMessage.parse(raw) else { return [] }
        return session.handle(message)
    }

    @Test func capNegotiationAndSASLPlainThenRegistration() throws {
        var s = IRCSession(nick: "liaison", user: "liaison", realname: "Liaison", sasl: .plain(account: "liaison", password: "s3cret"))
        #expect(s.start().map { $0.serialized() } == ["CAP LS 302", "NICK liaison", "USER liaison 0 * Liaison"])
        #expect(feed(&s, ":irc.test CAP * LS * :account-notify account-tag away-notify batch cap-notify chghost").isEmpty)
        let req = lines(feed(&s, ":irc.test CAP * LS :echo-message extended-join message-tags multi-prefix sasl=PLAIN,EXTERNAL server-time"))
        #expect(req == ["CAP REQ :sasl message-tags account-tag extended-join account-notify away-notify multi-prefix server-time cap-notify echo-message batch"])
        let auth = lines(feed(&s, ":irc.test CAP * ACK :sasl message-tags account-tag extended-join account-notify away-notify multi-prefix server-time cap-notify echo-message"))
        #expect(auth == ["AUTHENTICATE PLAIN"])
        let payload = lines(feed(&s, "AUTHENTICATE +"))
        let expected = Data("liaison\u{0}liaison\u{0}s3cret".utf8).base64EncodedString()
        #expect(payload == ["AUTHENTICATE \(expected)"])
        #expect(feed(&s, ":irc.test 900 liaison liaison!liaison@127.0.0.1 liaison :You are now logged in as liaison").isEmpty)
        let done = feed(&s, ":irc.test 903 liaison :SASL authentication successful")
        #expect(done.contains(.saslSucceeded(account: "liaison")))
        #expect(lines(done) == ["CAP END"])
        #expect(feed(&s, ":irc.test 001 liaison :Welcome to the LiaisonTest IRC Network liaison!liaison@127.0.0.1") == [.registered])
        _ = feed(&s, ":irc.test 005 liaison LINELEN=512 NICKLEN=30 CASEMAPPING=rfc1459 WHOX CHANTYPES=# PREFIX=(ov)@+ MONITOR=100 :are supported")
        #expect(s.isRegistered && s.has("echo-message") && s.supportsWHOX && s.monitorLimit == 100)
        #expect(s.userHost?.host == "127.0.0.1")
    }

    /// Found by the hostile-server test: a stray 903 after registration sent the session
    /// back to registering, and the bot stopped answering.
    @Test func strayRegistrationNumericsAfterRegistrationChangeNothing() {
        var s = IRCSession(nick: "liaison", user: "liaison", realname: "Liaison", sasl: .none)
        _ = s.start()
        _ = feed(&s, ":irc.test 001 liaison :Welcome")
        for stray in [":irc.test 903", ":irc.test 903 liaison :SASL authentication successful", ":irc.test 904 liaison :failed",
                      ":irc.test 900", ":irc.test 433 liaison liaison :Nickname is already in use", ":irc.test CAP liaison ACK :sasl",
                      ":irc.test AUTHENTICATE +", ":irc.test 421 liaison CAP :Unknown command"] {
            #expect(lines(feed(&s, stray)).isEmpty, "\(stray)")
            #expect(s.isRegistered, "\(stray)")
        }
        #expect(s.nick == "liaison")
    }

    @Test func saslFailureStillRegistersAndSaysWhy() {
        var s = IRCSession(nick: "liaison", user: "liaison", realname: "L", sasl: .plain(account: "liaison", password: "wrong"))
        _ = s.start()
        _ = feed(&s, ":irc.test CAP * LS :sasl")
        _ = feed(&s, ":irc.test CAP * ACK :sasl")
        _ = feed(&s, "AUTHENTICATE +")
        let failed = feed(&s, ":irc.test 904 liaison :SASL authentication failed")
        #expect(failed.contains(.saslFailed("904 SASL authentication failed")))
        #expect(lines(failed) == ["CAP END"])
    }

    @Test func saslExternalSendsAnEmptyResponse() {
        var s = IRCSession(nick: "liaison", user: "liaison", realname: "L", sasl: .external)
        _ = s.start()
        _ = feed(&s, ":irc.test CAP * LS :sasl=PLAIN,EXTERNAL")
        #expect(lines(feed(&s, ":irc.test CAP * ACK :sasl")) == ["AUTHENTICATE EXTERNAL"])
        #expect(lines(feed(&s, "AUTHENTICATE +")) == ["AUTHENTICATE +"])
    }

    @Test func longSASLPayloadsAreChunkedAt400Bytes() {
        var s = IRCSession(nick: "n", user: "u", realname: "r", sasl: .plain(account: "a", password: String(repeating: "p", count: 600)))
        _ = s.start()
        _ = feed(&s, ":irc.test CAP * LS :sasl")
        _ = feed(&s, ":irc.test CAP * ACK :sasl")
        let chunks = lines(feed(&s, "AUTHENTICATE +"))
        #expect(chunks.count == 3)
        #expect(chunks.dropLast().allSatisfy { $0.count == "AUTHENTICATE ".count + 400 })
    }

    @Test func aServerWithoutCapOrSaslStillRegisters() {
        var s = IRCSession(nick: "liaison", user: "liaison", realname: "L", sasl: .none)
        _ = s.start()
        // ngIRCd offers only multi-prefix: request it, then end.
        #expect(lines(feed(&s, ":ngircd.test CAP * LS :multi-prefix")) == ["CAP REQ multi-prefix"])
        #expect(lines(feed(&s, ":ngircd.test CAP * ACK :multi-prefix")) == ["CAP END"])
        #expect(feed(&s, ":ngircd.test 001 liaison :Welcome") == [.registered])
    }

    @Test func aTakenNickGetsAnAlternativeAndTheWantedOneIsRemembered() {
        var s = IRCSession(nick: "liaison", user: "liaison", realname: "L", sasl: .none)
        _ = s.start()
        let first = feed(&s, ":irc.test 433 * liaison :Nickname is already in use")
        #expect(lines(first) == ["NICK liaison_"] && first.contains(.nickChanged("liaison_")))
        #expect(lines(feed(&s, ":irc.test 433 * liaison_ :Nickname is already in use")) == ["NICK liaison2"])
        _ = feed(&s, ":irc.test 001 liaison2 :Welcome")
        #expect(s.nick == "liaison2" && s.desiredNick == "liaison")
    }

    @Test func capNewAndDelAreFollowed() {
        var s = IRCSession(nick: "l", user: "l", realname: "l", sasl: .none)
        _ = s.start()
        _ = feed(&s, ":irc.test CAP * LS :multi-prefix")
        _ = feed(&s, ":irc.test CAP * ACK :multi-prefix")
        #expect(lines(feed(&s, ":irc.test CAP l NEW :account-tag")) == ["CAP REQ account-tag"])
        _ = feed(&s, ":irc.test CAP l ACK :account-tag")
        #expect(s.has("account-tag"))
        _ = feed(&s, ":irc.test CAP l DEL :account-tag")
        #expect(!s.has("account-tag"))
    }
}
