import Logging
import LiaisonIRCProtocol
import Foundation

/// Numeric replies after registration: NAMES and WHO/WHOX fill in who is where under which
/// account and whether they are away; 401, 404 and 477 say lines will not arrive; MONITOR
/// says someone came online or the wanted nick is free.
extension IRCInbound {
    mutating func reply(_ numeric: IRCNumeric, _ message: IRCMessage, now: Date) -> [InboundAction] {
        let params = message.params
        switch numeric {
        case .away:
            // RPL_AWAY, in answer to our PRIVMSG (or a WHOIS): the nick is away.
            if params.count >= 2 { users.awayReported(params[1], away: true, at: now) }
            return []
        case .whoReply:
            // Plain WHO: channel, user, host, server, nick, flags (H here, G away).
            guard params.count >= 7, !isMe(params[5]) else { return [] }
            users.awayReported(params[5], away: params[6].contains("G"), at: now)
            return [seen(params[5])]
        case .namesReply:
            // NAMES: "= #chan :@op +voice nick"
            guard params.count >= 4 else { return [] }
            let prefixes = Set(prefixSymbols)
            for entry in params[3].split(separator: " ") {
                let nick = String(entry.drop { prefixes.contains($0) })
                let bare = nick.split(separator: "!").first.map(String.init) ?? nick
                if !bare.isEmpty, !isMe(bare) { users.joined(bare, params[2]) }
            }
            return []
        case .endOfNames:
            guard params.count >= 2 else { return [] }
            let channel = params[1]
            if session.supportsWHOX { return [.send(IRCMessage(command: "WHO", params: [channel, "%tcnfa,152"]))] }
            return reportChannel(channel)
        case .whoxReply:
            return whox(params, now: now)
        case .endOfWho:
            return endOfWho(params, now: now)
        case .noSuchNick:
            guard params.count >= 2 else { return [.wake] }
            // The nick is gone: forgotten, unless it is in a shared channel (where its QUIT
            // would have been seen).
            let nick = params[1]
            if users.user(nick)?.channels.isEmpty ?? true {
                users.quit(nick)
                absent.insert(users.fold(nick))
            }
            return [.noSuchNick(nick), .wake]
        case .cannotSendToChannel:
            // Cannot send to the channel (moderated, banned): these lines will not echo.
            return params.count >= 2 ? [.cannotSend(to: params[1])] : []
        case .needRegisteredNick:
            // ERR_NEEDREGGEDNICK / "you need to be registered or voiced": like 404, retrying
            // would only repeat the refusal.
            guard params.count >= 2 else { return [] }
            return [.log(.warning, "\(settings.network): \(params[1]) refuses our messages: \(params.last ?? "")"),
                    .cannotSend(to: params[1])]
        case .monitorOnline, .monitorOffline:
            return monitor(numeric, params, now: now)
        case .unknownCommand where params.count >= 2 && IRCCommand(params[1]) == .chathistory:
            return [.historyRefused]
        case .unknownError, .erroneousNickname:
            return nickRefusal(message)
        case .endOfMotd, .noMotd:
            // End of the MOTD: ISUPPORT (MONITOR, WHOX) is complete. Mail read before it was
            // known waits without a watch; route it again now.
            return [.routeWaitingAgain, .wake]
        default:
            return []
        }
    }

    /// A WHOX reply line, by the token of the question it answers.
    private mutating func whox(_ params: [String], now: Date) -> [InboundAction] {
        // Token 153 (one nick): user, host, nick, flags, account ("0": none).
        if params.count >= 7, params[1] == "153" {
            let nick = params[4]
            whoPending.remove(users.fold(nick))
            users.see(nick, user: params[2], host: params[3],
                      account: .some(params[6] == "0" ? "" : params[6]), confirmedAt: now)
            users.awayReported(nick, away: params[5].contains("G"), at: now)
            return [seen(nick), .wake]
        }
        // Token 152 (a channel): channel, nick, flags, account ("0": none).
        guard params.count >= 6, params[1] == "152" else { return [] }
        let (channel, nick, account) = (params[2], params[3], params[5])
        if isMe(nick) { return [] }
        users.see(nick, account: .some(account == "0" ? "" : account))
        users.joined(nick, channel)
        // The G flag: an always-on nick (Ergo) or a bouncer with nobody attached.
        users.awayReported(nick, away: params[4].contains("G"), at: now)
        return [seen(nick)]
    }

    /// End of WHO: for a channel, report everyone in it at once; for a nick we asked about
    /// with no reply line, the nick is gone.
    private mutating func endOfWho(_ params: [String], now: Date) -> [InboundAction] {
        guard params.count >= 2 else { return [] }
        let target = params[1]
        if isChannel(target) { return reportChannel(target) + [.wake] }
        if whoPending.remove(users.fold(target)) != nil, users.user(target)?.confirmed.map({ now.timeIntervalSince($0) > 5 }) ?? true {
            // Asked about a nick and no reply line came: nobody has it now.
            if users.user(target)?.channels.isEmpty ?? true {
                users.quit(target)
                absent.insert(users.fold(target))
            }
        }
        return [.wake]
    }

    /// MONITOR: 731, the wanted nick is free (take it back); 730, someone we have mail for
    /// came online (find their account).
    private mutating func monitor(_ numeric: IRCNumeric, _ params: [String], now: Date) -> [InboundAction] {
        guard let targets = params.last else { return [] }
        let nicks = targets.split(separator: ",").map { String($0.split(separator: "!").first ?? $0) }
        if numeric == .monitorOffline {
            guard !nickRefused, session.nick != session.desiredNick,
                  nicks.contains(where: { users.fold($0) == users.fold(session.desiredNick) }) else { return [] }
            lastNickAttempt = now
            return [.send(IRCMessage(command: "NICK", params: [session.desiredNick]))]
        }
        guard session.supportsWHOX else { return [] }
        return nicks.map { .send(IRCMessage(command: "WHO", params: [$0, "%tuhnfa,153"])) }
    }
}
