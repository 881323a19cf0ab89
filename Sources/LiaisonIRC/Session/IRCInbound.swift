import LiaisonIRCProtocol
import Logging
import Foundation
import LiaisonCore

/// What one IRC connection knows from the server's lines, and what each line calls for:
/// registration (`IRCSession`), who is where under which account (`IRCUsers`), what was
/// reported to the host, and the nick the bot wants back. One call per line returns the
/// actions; `IRCClient` carries them out and does all I/O.
///
/// The line is drawn at the host: asking it something (whether to follow an invitation,
/// which channels to join) and the outbox bookkeeping (the flood queue, lines awaiting their
/// echo, mail held for someone) stay with the client, named here by an action. Time comes
/// in as `now`, so recorded lines replay the same in tests.
struct IRCInbound: Sendable {
    let settings: IRCClientSettings
    var session: IRCSession
    var users = IRCUsers()
    /// What was last reported per identity, so membership is reported only on change.
    var reported: [Identity: Set<String>] = [:]
    /// Nicks with a WHOX query under way (folded).
    var whoPending: Set<String> = []
    /// Nicks the server said nobody has (folded): connection-bound identities there are gone.
    var absent: Set<String> = []
    /// The server refused the configured nick in a way that will not change (400, 432,
    /// FAIL NICK: a server that requires nick = account): no more retries in this process.
    var nickRefused = false
    var lastNickAttempt = Date.distantPast
    /// The bot user mode was asked for on this connection.
    private(set) var botModeSent = false
    private(set) var canonicalizerSent = false

    init(settings: IRCClientSettings) {
        self.settings = settings
        session = IRCSession(nick: settings.nick, user: settings.user, realname: settings.realname, sasl: settings.sasl)
    }

    /// A new connection: the first lines to send; nothing is known about anyone yet.
    mutating func connected() -> [IRCMessage] {
        users.reset()
        return session.start()
    }

    /// The connection is gone: what was known and reported about it is void.
    mutating func disconnected() {
        users.reset()
        reported = [:]
        whoPending = []
        absent = []
        botModeSent = false
        canonicalizerSent = false
    }

    /// One line from the server (not one played back in a history batch).
    mutating func handle(_ message: IRCMessage, now: Date) -> [InboundAction] {
        var actions: [InboundAction] = []
        for event in session.handle(message) {
            switch event {
            case .send(let reply): actions.append(.send(reply))
            case .registered: actions += registered()
            case .saslSucceeded(let account): actions.append(.log(.info, "\(settings.network): logged in to services as \(account)"))
            case .saslFailed(let reason): actions.append(.log(.error, "\(settings.network): SASL failed (\(reason)); continuing without an account"))
            case .nickChanged(let nick): actions.append(.log(.warning, "\(settings.network): nick taken; using \(nick) for now"))
            }
        }
        // Clients show a bot as one where the server offers a bot mode (ISUPPORT BOT=B, which
        // may come after the welcome).
        if session.isRegistered, !botModeSent, let letter = session.isupport["BOT"]?.first, letter.isLetter {
            botModeSent = true
            actions.append(.send(IRCMessage(command: "MODE", params: [session.nick, "+\(letter)"])))
        }
        if users.casemapping != session.casemapping || !canonicalizerSent, session.isRegistered {
            users.casemapping = session.casemapping
            canonicalizerSent = true
            actions.append(.canonicalizer(session.casemapping))
        }
        let source = message.source.map(IRCSource.parse)
        actions += dispatch(message, from: source, now: now)
        // Any line from a nick (but its QUIT) shows it exists now: a connection-bound
        // identity that came back gets private replies again, and mail waiting for its
        // account is read again. A server's own lines show no nick.
        if let source, !source.isServer, message.verb != .quit, !isMe(source.nick) { actions.append(seen(source.nick)) }
        return actions
    }

    /// 001: say who the bot is now; watch for the configured nick if it was taken.
    private func registered() -> [InboundAction] {
        var actions: [InboundAction] = [.log(.info, "\(settings.network): registered as \(session.nick)")]
        if users.fold(session.nick) != users.fold(session.desiredNick) {
            actions.append(.log(.warning, "\(settings.network): registered as \(session.nick), not the configured nick \(session.desiredNick); people who /msg \(session.desiredNick) will not reach the bot"))
        }
        if session.nick != session.desiredNick, session.monitorLimit != nil {
            // Told the moment the wanted nick is free again (731), to take it back.
            actions.append(.send(IRCMessage(command: "MONITOR", params: ["+", session.desiredNick])))
        }
        return actions + [.registered]
    }

    private mutating func dispatch(_ message: IRCMessage, from source: IRCSource?, now: Date) -> [InboundAction] {
        let params = message.params
        switch message.verb {
        case .ping:
            return [.send(IRCMessage(command: "PONG", params: params.isEmpty ? ["liaison"] : [params[0]]))]
        case .privmsg, .notice:
            return privmsg(message, from: source, now: now)
        case .join:
            return join(message, from: source, now: now)
        case .part:
            guard let nick = source?.nick, let channel = params.first else { return [] }
            if isMe(nick) {
                users.botLeft(channel)
                return reportAll()
            }
            users.left(nick, channel)
            return report(nick)
        case .kick:
            guard params.count >= 2 else { return [] }
            let (channel, nick) = (params[0], params[1])
            guard isMe(nick) else {
                users.left(nick, channel)
                return report(nick)
            }
            users.botLeft(channel)
            return [.log(.warning, "\(settings.network): kicked from \(channel); staying out until an admin says admin join"),
                    .kicked(channel: channel)] + reportAll()
        case .quit:
            guard let nick = source?.nick, let gone = users.quit(nick) else { return [] }
            return ended(gone) + reportGone(gone)
        case .nick:
            return nick(message, from: source)
        case .batch:
            return [.batch(message)]
        case .away:
            // away-notify: AWAY with a message went away, without one came back.
            guard let nick = source?.nick, !isMe(nick) else { return [] }
            let text = params.first ?? ""
            users.awayChanged(nick, away: !text.isEmpty, at: now)
            return text.isEmpty ? [.wake] : []
        case .tagmsg:
            // A typing notification or a reaction: someone is there.
            if let nick = source?.nick, !isMe(nick) { users.spoke(nick, at: now) }
            return []
        case .account:
            guard let nick = source?.nick, let account = params.first else { return [] }
            users.see(nick, account: .some(account == "*" ? "" : account))
            return report(nick) + [.wake]
        case .invite:
            guard let source, params.count >= 2, isMe(params[0]) else { return [] }
            users.see(source.nick, user: source.user, host: source.host)
            let (identity, verified) = identity(of: source.nick, tagAccount: message.tag("account"), now: now)
            return [.invited(by: identity, verified: verified, channel: params[1])]
        case .numeric(let numeric):
            return reply(numeric, message, now: now)
        case .fail where params.first.map(IRCCommand.init) == .chathistory:
            return [.historyFailed(names: params.map(users.fold))]
        case .fail:
            return nickRefusal(message)
        case .error:
            return [.log(.warning, "\(settings.network): server says: \(params.last ?? "")")]
        default:
            return []
        }
    }

    /// NICK: the bot's own (taken back, or changed by the server), or someone else's.
    private mutating func nick(_ message: IRCMessage, from source: IRCSource?) -> [InboundAction] {
        guard let old = source?.nick, let new = message.params.first else { return [] }
        if isMe(old) {
            session.ownNickChanged(to: new)
            return users.fold(new) == users.fold(session.desiredNick) ? [.log(.info, "\(settings.network): regained the nick \(new)")] : []
        }
        guard let before = users.renamed(old, to: new) else { return [] }
        var actions: [InboundAction] = []
        // A nick-bound identity (no account) ends with its nick; an account does not.
        if !settings.identityByNick, before.account?.isEmpty ?? true { actions += ended(before) }
        if settings.identityByNick || before.account?.isEmpty ?? true { actions += reportGone(before) }
        return actions + report(new) + [seen(new), .wake]
    }

    /// After registration: our own NICK back to the configured nick was refused for a reason
    /// that will not change (Ergo: "You must use your account name as your nickname"). Say
    /// once what to change, and stop asking every 30 s.
    mutating func nickRefusal(_ message: IRCMessage) -> [InboundAction] {
        let isNick = message.verb == .numeric(.erroneousNickname) || message.params.contains { IRCCommand($0) == .nick }
        guard session.isRegistered, isNick, !nickRefused else { return [] }
        nickRefused = true
        return [.log(.warning, "\(settings.network): the server refuses the nick \(session.desiredNick) (\(message.params.last ?? message.command)); staying \(session.nick). Set nick = \(session.nick) in [irc.\(settings.network)] (servers like Ergo require the nick to be the account name)")]
    }

    /// A nick showed itself (a line from it, a WHO reply naming it): it exists again (401 or
    /// an empty WHO may have said otherwise).
    mutating func seen(_ nick: String) -> InboundAction {
        absent.remove(users.fold(nick))
        return .seen(nick)
    }

    var prefixSymbols: String {
        // PREFIX=(ov)@+ -> "@+"
        guard let value = session.isupport["PREFIX"], let close = value.firstIndex(of: ")") else { return "~&@%+" }
        return String(value[value.index(after: close)...])
    }

    func isMe(_ nick: String) -> Bool { users.fold(nick) == users.fold(session.nick) }

    func isChannel(_ target: String) -> Bool {
        guard let first = target.first else { return false }
        return session.chantypes.contains(first)
    }
}
