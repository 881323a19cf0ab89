import LiaisonIRCProtocol
import Foundation
import Testing
import LiaisonCore
@testable import LiaisonIRC

/// What IRCInbound decides for real server lines (`Recorded`: InspIRCd 3.15 + Atheme 7.2 and
/// ngIRCd 26.1, recorded on loopback as the end-to-end suite runs them), replayed in order.
@Suite struct IRCInboundTests {
    static let now = Date(timeIntervalSince1970: 1_796_213_900)

    static func settings(identityByNick: Bool = false, sasl: SASLMode = .none) -> IRCClientSettings {
        IRCClientSettings(network: "test", host: "127.0.0.1", port: 6667, tls: false, tlsVerify: false, nick: "recbot",
                          sasl: sasl, clientCertFile: nil, channels: ["#rec"], identityByNick: identityByNick,
                          listensToQuestions: true, ignore: [], floodBurst: 5, floodInterval: 1, pingTimeout: 120,
                          version: "test")
    }

    /// One line in, its actions as short sentences (IncomingMessage is not Equatable).
    static func feed(_ inbound: inout IRCInbound, _ line: String, at now: Date = now) -> [String] {
        guard let message = IRCMessage.parse(line) else { return ["unparsable"] }
        return inbound.handle(message, now: now).map(describe)
    }

    static func describe(_ action: InboundAction) -> String {
        func who(_ identity: Identity) -> String { "\(identity.network)/\(identity.id)" }
        switch action {
        case .send(let m): return "send \(m.serialized())"
        case .reply(let m, let target): return "reply to \(target): \(m.serialized())"
        case .log(let level, let text): return "log \(level): \(text)"
        case .registered: return "registered"
        case .canonicalizer(let casemapping): return "casemapping \(casemapping.rawValue)"
        case .received(let m):
            let place = if case .channel(let c) = m.place { c } else { "direct" }
            return "received from \(who(m.sender)) \(m.verified ? "verified" : "unverified") in \(place)\(m.isAction ? " action" : ""): \(m.displayName): \(m.text)"
        case .membership(let identity, let channels):
            return "membership \(who(identity)): \(channels.isEmpty ? "none" : channels.sorted().joined(separator: ","))"
        case .identityEnded(let identity): return "ended \(who(identity))"
        case .kicked(let channel): return "kicked from \(channel)"
        case .invited(let identity, let verified, let channel): return "invited by \(who(identity)) \(verified ? "verified" : "unverified") to \(channel)"
        case .echoed(let target, let text): return "echo \(target): \(text)"
        case .noSuchNick(let nick): return "no such nick \(nick)"
        case .cannotSend(let channel): return "cannot send to \(channel)"
        case .seen(let nick): return "seen \(nick)"
        case .wake: return "wake"
        case .routeWaitingAgain: return "route waiting again"
        case .batch(let m): return "batch \(m.serialized())"
        case .historyFailed(let names): return "history failed \(names)"
        case .historyRefused: return "history refused"
        }
    }

    /// A connection that has replayed `registration` and then `session` up to (not including)
    /// the first line containing `fragment`; returns that line too.
    static func replay(_ registration: [String], _ session: [String], until fragment: String,
                       settings: IRCClientSettings) -> (IRCInbound, String) {
        var inbound = IRCInbound(settings: settings)
        _ = inbound.connected()
        for line in registration { _ = feed(&inbound, line) }
        let index = session.firstIndex { $0.contains(fragment) } ?? session.endIndex
        for line in session[..<index] { _ = feed(&inbound, line) }
        return (inbound, index < session.endIndex ? session[index] : "")
    }

    static func inspircd(until fragment: String) -> (IRCInbound, String) {
        replay(Recorded.inspircdRegistration, Recorded.inspircdSession, until: fragment,
               settings: settings(sasl: .plain(account: "recbot", password: "pw")))
    }

    static func ngircd(until fragment: String, identityByNick: Bool) -> (IRCInbound, String) {
        replay(Recorded.ngircdRegistration, Recorded.ngircdSession, until: fragment, settings: settings(identityByNick: identityByNick))
    }

    // MARK: - Registration

    @Test func inspircdRegistrationNegotiatesLogsInAndLearnsISUPPORT() {
        var inbound = IRCInbound(settings: Self.settings(sasl: .plain(account: "recbot", password: "pw")))
        #expect(inbound.connected().map { $0.serialized() } == ["CAP LS 302", "NICK recbot", "USER liaison 0 * :Liaison introduction broker"])
        let actions = Recorded.inspircdRegistration.flatMap { Self.feed(&inbound, $0) }
        let payload = Data("recbot\u{0}recbot\u{0}pw".utf8).base64EncodedString()
        #expect(actions.filter { $0.hasPrefix("send ") } == [
            "send CAP REQ :sasl message-tags account-tag extended-join account-notify away-notify multi-prefix server-time cap-notify echo-message batch",
            "send AUTHENTICATE PLAIN", "send AUTHENTICATE \(payload)", "send CAP END",
        ])
        #expect(actions.contains("log info: test: logged in to services as recbot"))
        #expect(actions.filter { $0 == "registered" || $0.hasPrefix("casemapping") || $0 == "route waiting again" }
                == ["registered", "casemapping rfc1459", "route waiting again"])
        #expect(inbound.session.isRegistered && inbound.session.supportsWHOX && inbound.session.monitorLimit == 100)
        #expect(inbound.session.userHost?.host == "127.0.0.1")
        #expect(inbound.prefixSymbols == "@+" && inbound.session.chantypes == "#")
    }

    /// ngIRCd says CASEMAPPING=ascii after the welcome: the host is told again.
    @Test func ngircdCasemappingAfterTheWelcomeReachesTheHost() {
        var inbound = IRCInbound(settings: Self.settings(identityByNick: true))
        _ = inbound.connected()
        let actions = Recorded.ngircdRegistration.flatMap { Self.feed(&inbound, $0) }
        #expect(actions.filter { $0.hasPrefix("send ") } == ["send CAP REQ multi-prefix", "send CAP END"])
        #expect(actions.filter { $0.hasPrefix("casemapping") } == ["casemapping rfc1459", "casemapping ascii"])
        #expect(inbound.users.casemapping == .ascii)
        #expect(!inbound.session.supportsWHOX && inbound.prefixSymbols == "~&@%+" && inbound.isChannel("+rec"))
    }

    // MARK: - Channels

    /// NAMES then WHOX (token 152) on InspIRCd: membership with the account, reported once
    /// at the end of the WHO.
    @Test func inspircdJoinAsksWHOXAndReportsMembersByAccount() {
        var (inbound, _) = Self.inspircd(until: " JOIN #rec recbot ")
        #expect(Self.feed(&inbound, Recorded.line(Recorded.inspircdSession, " JOIN #rec recbot ")) == ["log info: test: joined #rec"])
        #expect(Self.feed(&inbound, Recorded.line(Recorded.inspircdSession, " 353 ")).isEmpty)
        #expect(Self.feed(&inbound, Recorded.line(Recorded.inspircdSession, " 366 ")) == ["send WHO #rec %tcnfa,152"])
        #expect(Self.feed(&inbound, Recorded.line(Recorded.inspircdSession, "152 #rec recbot")).isEmpty, "the bot is not a member")
        #expect(Self.feed(&inbound, Recorded.line(Recorded.inspircdSession, "152 #rec alice")) == ["seen alice"])
        #expect(inbound.users.user("alice")?.account == "alice")
        #expect(Self.feed(&inbound, Recorded.line(Recorded.inspircdSession, " 315 recbot #rec ")) == ["membership test/alice: #rec", "wake"])
    }

    /// extended-join: a JOIN carries the account, so membership is reported at once.
    @Test func inspircdExtendedJoinCarriesTheAccount() {
        var (inbound, line) = Self.inspircd(until: "alice2!alice@127.0.0.1 JOIN #rec alice")
        #expect(Self.feed(&inbound, line) == ["membership test/alice: #rec", "wake", "seen alice2"])
        #expect(inbound.users.user("alice2")?.account == "alice" && inbound.users.user("alice2")?.confirmed == Self.now)
    }

    /// Without WHOX (ngIRCd) the end of NAMES reports the channel.
    @Test func ngircdNamesWithoutWHOXReportTheChannel() {
        var (inbound, _) = Self.ngircd(until: " 366 ", identityByNick: true)
        #expect(Self.feed(&inbound, Recorded.line(Recorded.ngircdSession, " 366 ")) == ["membership test/alice: #rec"])
        #expect(Self.feed(&inbound, Recorded.line(Recorded.ngircdSession, "352 recbot #rec ~alice")) == ["seen alice"])
        #expect(inbound.users.user("alice")?.away == false)
    }

    // MARK: - WHOX for one nick, 401

    @Test func inspircdWHOXForOneNickConfirmsItsAccount() {
        var (inbound, line) = Self.inspircd(until: "354 recbot 153 alice")
        inbound.whoPending.insert("alice")
        #expect(Self.feed(&inbound, line) == ["seen alice", "wake"])
        #expect(inbound.whoPending.isEmpty)
        let alice = inbound.users.user("alice")
        #expect(alice?.account == "alice" && alice?.host == "127.0.0.1" && alice?.confirmed == Self.now && alice?.away == false)
        #expect(Self.feed(&inbound, Recorded.line(Recorded.inspircdSession, "315 recbot alice ")) == ["wake"])
        #expect(inbound.users.user("alice") != nil, "a reply line came: alice is there")
    }

    /// A WHOX question with no reply line, then 401: nobody has the nick.
    @Test func inspircdEmptyWHOAndNoSuchNickMarkTheNickAbsent() {
        var (inbound, line) = Self.inspircd(until: "315 recbot nobodyhere")
        inbound.whoPending.insert("nobodyhere")
        #expect(Self.feed(&inbound, line) == ["wake"])
        #expect(inbound.absent == ["nobodyhere"])
        #expect(Self.feed(&inbound, Recorded.line(Recorded.inspircdSession, " 401 ")) == ["no such nick nobodyhere", "wake"])
    }

    // MARK: - Away

    @Test func inspircdAwayNotifyAndRPLAWAYTrackAbsence() {
        var (inbound, line) = Self.inspircd(until: "AWAY :gone fishing")
        #expect(Self.feed(&inbound, line, at: Self.now) == ["seen alice"])
        #expect(inbound.users.user("alice")?.away == true && inbound.users.user("alice")?.awayChanged == Self.now)
        #expect(Self.feed(&inbound, Recorded.line(Recorded.inspircdSession, " 301 "), at: Self.now + 1).isEmpty)
        #expect(inbound.users.user("alice")?.awayReported == Self.now + 1)
        // Back: AWAY without text wakes the sender, which holds mail for people away.
        #expect(Self.feed(&inbound, Recorded.inspircdSession.first { $0.hasSuffix(" AWAY") } ?? "") == ["wake", "seen alice"])
        #expect(inbound.users.user("alice")?.away == false)
    }

    /// ngIRCd has no away-notify; its 301 answers a line to someone away.
    @Test func ngircdRPLAWAYMarksTheNickAway() {
        var (inbound, line) = Self.ngircd(until: " 301 ", identityByNick: true)
        #expect(Self.feed(&inbound, line).isEmpty)
        #expect(inbound.users.user("alice")?.away == true)
    }

    // MARK: - Chat

    @Test func inspircdPrivmsgWithAccountTagIsFromTheAccount() {
        var (inbound, line) = Self.inspircd(until: "PRIVMSG recbot :who knows")
        #expect(Self.feed(&inbound, line) == ["received from test/alice verified in direct: alice: who knows about rust?", "seen alice"])
        #expect(Self.feed(&inbound, Recorded.line(Recorded.inspircdSession, "PRIVMSG #rec :hello"))
                == ["received from test/alice verified in #rec: alice: hello channel", "seen alice"])
        #expect(Self.feed(&inbound, Recorded.line(Recorded.inspircdSession, "NOTICE recbot")) == ["seen alice"], "a NOTICE is never answered")
        #expect(Self.feed(&inbound, Recorded.line(Recorded.inspircdSession, "PRIVMSG #rec :echo me")) == ["echo #rec: echo me"])
    }

    @Test func inspircdCTCPVersionIsAnsweredAtTheChatPace() {
        var (inbound, line) = Self.inspircd(until: "VERSION")
        #expect(Self.feed(&inbound, line) == ["reply to alice: NOTICE alice :\u{1}VERSION Liaison test\u{1}", "seen alice"])
    }

    /// No services on ngIRCd: a nick without an account is bound to its connection.
    @Test func ngircdPrivmsgWithoutAccountIsConnectionBound() {
        var (inbound, line) = Self.ngircd(until: "PRIVMSG recbot :who knows", identityByNick: false)
        #expect(Self.feed(&inbound, line) == ["received from test/alice!~alice@127.0.0.1 unverified in direct: alice: who knows about rust?", "seen alice"])
        var (byNick, same) = Self.ngircd(until: "PRIVMSG recbot :who knows", identityByNick: true)
        #expect(Self.feed(&byNick, same) == ["received from test/alice verified in direct: alice: who knows about rust?", "seen alice"])
    }

    // MARK: - Nick changes, invitations, kicks, quits

    /// An account outlives a nick change: nothing ends, membership stays.
    @Test func inspircdNickChangeKeepsTheAccount() {
        var (inbound, line) = Self.inspircd(until: "NICK :alice2")
        #expect(Self.feed(&inbound, line) == ["seen alice2", "wake", "seen alice"])
        #expect(inbound.users.user("alice2")?.account == "alice" && inbound.users.user("alice") == nil)
    }

    /// Without an account the identity is the connection: a new nick ends it.
    @Test func ngircdNickChangeEndsAConnectionBoundIdentity() {
        var (inbound, line) = Self.ngircd(until: "NICK :alice2", identityByNick: false)
        let actions = Self.feed(&inbound, line)
        #expect(actions.first == "ended test/alice!~alice@127.0.0.1")
        #expect(actions.contains("membership test/alice2!~alice@127.0.0.1: #rec"))
    }

    @Test func inspircdInviteIsFromTheAccount() {
        var (inbound, line) = Self.inspircd(until: " INVITE ")
        #expect(Self.feed(&inbound, line) == ["invited by test/alice verified to #other", "seen alice2"])
    }

    @Test func ngircdInviteFromANickWithoutAccountIsUnverified() {
        var (inbound, line) = Self.ngircd(until: " INVITE ", identityByNick: false)
        #expect(Self.feed(&inbound, line) == ["invited by test/alice2!~alice@127.0.0.1 unverified to #other", "seen alice2"])
    }

    @Test func inspircdKickOfTheBotEmptiesTheChannel() {
        var (inbound, line) = Self.inspircd(until: " KICK ")
        #expect(Self.feed(&inbound, line) == [
            "log warning: test: kicked from #rec; staying out until an admin says admin join",
            "kicked from #rec", "membership test/alice: none", "seen alice2",
        ])
        #expect(inbound.users.channels.isEmpty && inbound.users.user("alice2")?.channels.isEmpty == true)
    }

    @Test func inspircdQuitOfTheLastNickOfAnAccountEndsItsMembership() {
        var (inbound, line) = Self.inspircd(until: " QUIT ")
        #expect(Self.feed(&inbound, line) == ["membership test/alice: none"])
        #expect(inbound.users.user("alice2") == nil)
    }

    @Test func ngircdQuitEndsAConnectionBoundIdentity() {
        var (inbound, line) = Self.ngircd(until: " QUIT ", identityByNick: false)
        #expect(Self.feed(&inbound, line) == ["ended test/alice2!~alice@127.0.0.1", "membership test/alice2!~alice@127.0.0.1: none"])
    }

    /// Written, not recorded: the form of a server's keep-alive.
    @Test func aServerPingIsAnsweredAheadOfTheQueue() {
        var (inbound, _) = Self.inspircd(until: "no line has this")
        #expect(Self.feed(&inbound, "PING :irc.liaison.test") == ["send PONG irc.liaison.test"])
    }
}
