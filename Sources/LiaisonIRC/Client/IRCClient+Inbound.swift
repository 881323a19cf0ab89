import LiaisonIRCProtocol
import Logging
import Foundation
import LiaisonCore

extension IRCClient {
    /// One line from the server.
    func receive(_ line: String) async {
        lastReceived = Date()
        pingSentAt = nil
        guard let message = IRCMessage.parse(line) else {
            logger.debug("\(settings.network): unparsable line ignored")
            return
        }
        // History the server plays back is never handled as something said now.
        if let ref = message.tag("batch"), let batch = openBatches[ref], batch.isHistory, message.command.uppercased() != "BATCH" {
            historyLine(message, in: batch)
            return
        }
        for event in session.handle(message) {
            switch event {
            case .send(let reply): send(priority: reply)
            case .registered: await registered()
            case .saslSucceeded(let account): logger.info("\(settings.network): logged in to services as \(account)")
            case .saslFailed(let reason): logger.error("\(settings.network): SASL failed (\(reason)); continuing without an account")
            case .nickChanged(let nick): logger.warning("\(settings.network): nick taken; using \(nick) for now")
            }
        }
        // Clients show a bot as one where the server offers a bot mode (ISUPPORT BOT=B, which
        // may come after the welcome).
        if session.isRegistered, !botModeSent, let letter = session.isupport["BOT"]?.first, letter.isLetter {
            botModeSent = true
            send(priority: IRCMessage(command: "MODE", params: [session.nick, "+\(letter)"]))
        }
        if users.casemapping != session.casemapping || !canonicalizerSent, session.isRegistered {
            users.casemapping = session.casemapping
            canonicalizerSent = true
            let casemapping = session.casemapping
            await host.setCanonicalizer(network: settings.network) { casemapping.fold($0) }
        }
        let source = message.source.map(IRCSource.parse)
        defer {
            // Any line from a nick (but its QUIT) shows it exists now: a connection-bound
            // identity that came back gets private replies again, and mail waiting for its
            // account is read again.
            if let nick = source?.nick, message.command.uppercased() != "QUIT", !isMe(nick) { seen(nick) }
        }
        switch message.command.uppercased() {
        case "PING":
            send(priority: IRCMessage(command: "PONG", params: message.params.isEmpty ? ["liaison"] : [message.params[0]]))
        case "PRIVMSG", "NOTICE":
            await privmsg(message, from: source)
        case "JOIN":
            await join(message, from: source)
        case "PART":
            guard let nick = source?.nick, let channel = message.params.first else { return }
            if isMe(nick) { users.botLeft(channel); await reportAll() } else { users.left(nick, channel); await report(nick) }
        case "KICK":
            guard message.params.count >= 2 else { return }
            let (channel, nick) = (message.params[0], message.params[1])
            if isMe(nick) {
                logger.warning("\(settings.network): kicked from \(channel); staying out until an admin says admin join")
                users.botLeft(channel)
                await host.kicked(network: settings.network, channel: channel)
                await reportAll()
            } else {
                users.left(nick, channel)
                await report(nick)
            }
        case "QUIT":
            guard let nick = source?.nick, let gone = users.quit(nick) else { return }
            await ended(gone)
            await reportGone(gone)
        case "NICK":
            guard let old = source?.nick, let new = message.params.first else { return }
            if isMe(old) {
                session.ownNickChanged(to: new)
                if users.fold(new) == users.fold(session.desiredNick) { logger.info("\(settings.network): regained the nick \(new)") }
                return
            }
            if let before = users.renamed(old, to: new) {
                // A nick-bound identity (no account) ends with its nick; an account does not.
                if !settings.identityByNick, before.account?.isEmpty ?? true { await ended(before) }
                if settings.identityByNick || before.account?.isEmpty ?? true { await reportGone(before) }
                await report(new)
                seen(new)
                wake.signal()
            }
        case "BATCH":
            await batch(message)
        case "AWAY":
            // away-notify: AWAY with a message went away, without one came back.
            guard let nick = source?.nick, !isMe(nick) else { return }
            let text = message.params.first ?? ""
            users.awayChanged(nick, away: !text.isEmpty, at: Date())
            if text.isEmpty { wake.signal() }
        case "TAGMSG":
            // A typing notification or a reaction: someone is there.
            if let nick = source?.nick, !isMe(nick) { users.spoke(nick, at: Date()) }
        case "301":
            // RPL_AWAY, in answer to our PRIVMSG (or a WHOIS): the nick is away.
            if message.params.count >= 2 { users.awayReported(message.params[1], away: true, at: Date()) }
        case "352":
            // Plain WHO: channel, user, host, server, nick, flags (H here, G away).
            guard message.params.count >= 7, !isMe(message.params[5]) else { return }
            users.awayReported(message.params[5], away: message.params[6].contains("G"), at: Date())
            seen(message.params[5])
        case "ACCOUNT":
            guard let nick = source?.nick, let account = message.params.first else { return }
            users.see(nick, account: .some(account == "*" ? "" : account))
            await report(nick)
            wake.signal()
        case "INVITE":
            guard let source, message.params.count >= 2, isMe(message.params[0]) else { return }
            users.see(source.nick, user: source.user, host: source.host)
            let (identity, verified) = identity(of: source.nick, tagAccount: message.tag("account"))
            if await host.invited(by: identity, verified: verified, network: settings.network, channel: message.params[1]) {
                send(priority: IRCMessage(command: "JOIN", params: [message.params[1]]))
            }
        case "353":
            // NAMES: "= #chan :@op +voice nick"
            guard message.params.count >= 4 else { return }
            let prefixes = Set(prefixSymbols)
            for entry in message.params[3].split(separator: " ") {
                let nick = String(entry.drop { prefixes.contains($0) })
                let bare = nick.split(separator: "!").first.map(String.init) ?? nick
                if !bare.isEmpty, !isMe(bare) { users.joined(bare, message.params[2]) }
            }
        case "366":
            guard message.params.count >= 2 else { return }
            let channel = message.params[1]
            if session.supportsWHOX {
                send(priority: IRCMessage(command: "WHO", params: [channel, "%tcnfa,152"]))
            } else {
                await reportChannel(channel)
            }
        case "354":
            // WHOX reply for token 153 (one nick): user, host, nick, flags, account ("0": none).
            if message.params.count >= 7, message.params[1] == "153" {
                let nick = message.params[4]
                whoPending.remove(users.fold(nick))
                absent.remove(users.fold(nick))
                users.see(nick, user: message.params[2], host: message.params[3],
                          account: .some(message.params[6] == "0" ? "" : message.params[6]), confirmedAt: Date())
                users.awayReported(nick, away: message.params[5].contains("G"), at: Date())
                seen(nick)
                wake.signal()
                return
            }
            // WHOX reply for token 152: channel, nick, flags, account ("0": none).
            guard message.params.count >= 6, message.params[1] == "152" else { return }
            let (channel, nick, account) = (message.params[2], message.params[3], message.params[5])
            if isMe(nick) { return }
            users.see(nick, account: .some(account == "0" ? "" : account))
            users.joined(nick, channel)
            // The G flag: an always-on nick (Ergo) or a bouncer with nobody attached.
            users.awayReported(nick, away: message.params[4].contains("G"), at: Date())
            seen(nick)
        case "315":
            // End of WHO: for a channel, report everyone in it at once; for a nick we asked
            // about with no reply line, the nick is gone.
            guard message.params.count >= 2 else { return }
            let target = message.params[1]
            if isChannel(target) {
                await reportChannel(target)
            } else if whoPending.remove(users.fold(target)) != nil, users.user(target)?.confirmed.map({ Date().timeIntervalSince($0) > 5 }) ?? true {
                // Asked about a nick and no reply line came: nobody has it now.
                if users.user(target)?.channels.isEmpty ?? true {
                    users.quit(target)
                    absent.insert(users.fold(target))
                }
            }
            wake.signal()
        case "401":
            if message.params.count >= 2 { noSuchNick(message.params[1]) }
            wake.signal()
        case "404":
            // Cannot send to the channel (moderated, banned): these lines will not echo.
            if message.params.count >= 2 { await cannotSend(to: message.params[1]) }
        case "730", "731":
            if message.command == "731", !nickRefused, let targets = message.params.last, session.nick != session.desiredNick,
               targets.split(separator: ",").contains(where: { users.fold(String($0.split(separator: "!").first ?? $0)) == users.fold(session.desiredNick) }) {
                lastNickAttempt = Date()
                send(priority: IRCMessage(command: "NICK", params: [session.desiredNick]))
            }
            // MONITOR: someone we have mail for came online; find their account.
            if message.command == "730", let targets = message.params.last {
                for target in targets.split(separator: ",") {
                    let nick = String(target.split(separator: "!").first ?? target)
                    if session.supportsWHOX { send(priority: IRCMessage(command: "WHO", params: [nick, "%tuhnfa,153"])) }
                }
            }
        case "FAIL" where message.params.first?.uppercased() == "CHATHISTORY":
            let named = historyChecks.keys.filter { key in message.params.contains { users.fold($0) == key } }
            abandonHistory(named.isEmpty ? Array(historyChecks.keys) : named)
        case "421" where message.params.count >= 2 && message.params[1].uppercased() == "CHATHISTORY":
            historyRefused = true
            abandonHistory(Array(historyChecks.keys))
        case "400", "432", "FAIL":
            // After registration: our own NICK back to the configured nick was refused for a
            // reason that will not change (Ergo: "You must use your account name as your
            // nickname"). Say once what to change, and stop asking every 30 s.
            let isNick = message.command == "432" || message.params.contains { $0.uppercased() == "NICK" }
            guard session.isRegistered, isNick, !nickRefused else { return }
            nickRefused = true
            logger.warning("\(settings.network): the server refuses the nick \(session.desiredNick) (\(message.params.last ?? message.command)); staying \(session.nick). Set nick = \(session.nick) in [irc.\(settings.network)] (servers like Ergo require the nick to be the account name)")
        case "477":
            // ERR_NEEDREGGEDNICK / "you need to be registered or voiced": like 404, retrying
            // would only repeat the refusal.
            if message.params.count >= 2 {
                logger.warning("\(settings.network): \(message.params[1]) refuses our messages: \(message.params.last ?? "")")
                await cannotSend(to: message.params[1])
            }
        case "376", "422":
            // End of the MOTD: ISUPPORT (MONITOR, WHOX) is complete. Mail read before it was
            // known waits without a watch; route it again now.
            waiting = []
            wake.signal()
        case "ERROR":
            logger.warning("\(settings.network): server says: \(message.params.last ?? "")")
        default:
            break
        }
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

    /// The identity behind a nick (SPEC §1): the services account, or on `identity = nick`
    /// networks the nick. A nick without an account is bound to its connection, unverified.
    func identity(of nick: String, tagAccount: String?) -> (Identity, Bool) {
        let u = users.user(nick)
        if settings.identityByNick {
            return (Identity(network: settings.network, id: users.fold(nick)), true)
        }
        // With account-tag every message says who is logged in: no tag means nobody. Without
        // it, a remembered account counts only where the bot would have seen it end: a
        // shared channel with account-notify, or a server confirmation moments ago.
        let account: String
        if session.has("account-tag") {
            account = tagAccount.map { $0 == "*" ? "" : $0 } ?? ""
        } else if let u, let known = u.account, !known.isEmpty,
                  (!u.channels.isEmpty && session.has("account-notify"))
                    || u.confirmed.map({ Date().timeIntervalSince($0) < 5 }) == true {
            account = known
        } else {
            account = ""
        }
        if !account.isEmpty {
            return (Identity(network: settings.network, id: users.fold(account)), true)
        }
        let mask = "\(users.fold(nick))!\(u?.user ?? "")@\(u?.host ?? "")"
        return (Identity(network: settings.network, id: mask), false)
    }

    /// Who a user in a shared channel is, for membership: there the bot sees JOIN
    /// (extended-join), ACCOUNT and QUIT, so the remembered account holds.
    func memberIdentity(_ u: IRCUsers.User) -> Identity {
        if settings.identityByNick { return Identity(network: settings.network, id: users.fold(u.nick)) }
        if let account = u.account, !account.isEmpty { return Identity(network: settings.network, id: users.fold(account)) }
        return Identity(network: settings.network, id: "\(users.fold(u.nick))!\(u.user ?? "")@\(u.host ?? "")")
    }

    func privmsg(_ message: IRCMessage, from source: IRCSource?) async {
        guard let source, message.params.count >= 2 else { return }
        let (target, text) = (message.params[0], message.params[1])
        if isMe(source.nick) {
            await confirmEcho(target: target, text: text)
            return
        }
        // Never answer a NOTICE (bots loop on each other otherwise); it still shows someone is there.
        guard message.command.uppercased() == "PRIVMSG" else {
            users.spoke(source.nick, at: Date())
            return
        }
        // account-tag: every message says who is logged in, so the account is confirmed now.
        let tagged: String?? = message.tag("account").map { .some($0 == "*" ? "" : $0) }
            ?? (session.has("account-tag") ? .some("") : .none)
        users.see(source.nick, user: source.user, host: source.host, account: tagged,
                  confirmedAt: session.has("account-tag") ? Date() : nil)
        users.spoke(source.nick, at: Date())
        let ignored = Set(settings.ignore.map(users.fold))
        let (identity, verified) = identity(of: source.nick, tagAccount: message.tag("account"))
        if ignored.contains(users.fold(source.nick)) || ignored.contains(identity.id) { return }
        var body = text
        var isAction = false
        if let ctcp = CTCP.parse(text) {
            switch ctcp.command.uppercased() {
            case "ACTION":
                body = ctcp.argument
                isAction = true
            case "VERSION":
                // Paced like any reply, so a CTCP flood cannot get the bot killed for flooding.
                queue.push(.init(IRCMessage(command: "NOTICE", params: [source.nick, CTCP.encode("VERSION", "Liaison \(settings.version)")]).serialized()),
                           target: users.fold(source.nick))
                wake.signal()
                return
            case "PING":
                let argument = String(ctcp.argument.utf8.prefix(64)) ?? ""
                queue.push(.init(IRCMessage(command: "NOTICE", params: [source.nick, CTCP.encode("PING", argument)]).serialized()),
                           target: users.fold(source.nick))
                wake.signal()
                return
            default:
                return
            }
        }
        // A line to a channel is not membership: a channel without +n takes lines from
        // outside. Only JOIN, NAMES and WHO say who is in it.
        let place: Place = isChannel(target) ? .channel(target) : .direct
        await host.received(IncomingMessage(sender: identity, displayName: source.nick, place: place, text: body,
                                            isAction: isAction, verified: verified, botNick: session.nick,
                                            listensToQuestions: settings.listensToQuestions))
    }

    func join(_ message: IRCMessage, from source: IRCSource?) async {
        guard let source, let channel = message.params.first else { return }
        if isMe(source.nick) {
            users.botJoined(channel)
            if let u = source.user, let h = source.host { session.learnUserHost(user: u, host: h) }
            logger.info("\(settings.network): joined \(channel)")
            return
        }
        // extended-join: JOIN #chan account :realname ("*": not logged in).
        let account: String?? = message.params.count >= 2 && session.has("extended-join")
            ? .some(message.params[1] == "*" ? "" : message.params[1]) : (message.tag("account").map { .some($0) } ?? .none)
        users.see(source.nick, user: source.user, host: source.host, account: account, confirmedAt: Date())
        users.joined(source.nick, channel)
        await report(source.nick)
        wake.signal()
    }

    func registered() async {
        registeredAt = Date()
        logger.info("\(settings.network): registered as \(session.nick)")
        if users.fold(session.nick) != users.fold(session.desiredNick) {
            logger.warning("\(settings.network): registered as \(session.nick), not the configured nick \(session.desiredNick); people who /msg \(session.desiredNick) will not reach the bot")
        }

        if session.nick != session.desiredNick, session.monitorLimit != nil {
            // Told the moment the wanted nick is free again (731), to take it back.
            send(priority: IRCMessage(command: "MONITOR", params: ["+", session.desiredNick]))
        }
        let channels = await host.channelsToJoin(network: settings.network, configured: settings.channels)
        for channel in channels { send(priority: IRCMessage(command: "JOIN", params: [channel])) }
        wake.signal()
        await host.connectionChanged(network: settings.network, up: true)
    }
}
