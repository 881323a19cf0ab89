import Logging
import LiaisonIRCProtocol
import Foundation
import LiaisonCore

/// Chat lines and joins: who said what, under which identity, and who came into a channel.
extension IRCInbound {
    mutating func privmsg(_ message: IRCMessage, from source: IRCSource?, now: Date) -> [InboundAction] {
        guard let source, message.params.count >= 2 else { return [] }
        let (target, text) = (message.params[0], message.params[1])
        if isMe(source.nick) { return [.echoed(target: target, text: text)] }
        // Never answer a NOTICE (bots loop on each other otherwise); it still shows someone is there.
        guard message.verb == .privmsg else {
            users.spoke(source.nick, at: now)
            return []
        }
        // account-tag: every message says who is logged in, so the account is confirmed now.
        let tagged: String?? = message.tag("account").map { .some($0 == "*" ? "" : $0) }
            ?? (session.has("account-tag") ? .some("") : .none)
        users.see(source.nick, user: source.user, host: source.host, account: tagged,
                  confirmedAt: session.has("account-tag") ? now : nil)
        users.spoke(source.nick, at: now)
        let ignored = Set(settings.ignore.map(users.fold))
        let (identity, verified) = identity(of: source.nick, tagAccount: message.tag("account"), now: now)
        if ignored.contains(users.fold(source.nick)) || ignored.contains(identity.id) { return [] }
        var body = text
        var isAction = false
        if let ctcp = CTCP.parse(text) {
            // CTCP verbs are not IRC commands: they stay words inside the text.
            switch ctcp.command.uppercased() {
            case "ACTION":
                body = ctcp.argument
                isAction = true
            case "VERSION":
                // Paced like any reply, so a CTCP flood cannot get the bot killed for flooding.
                return [.reply(IRCMessage(command: "NOTICE", params: [source.nick, CTCP.encode("VERSION", "Liaison \(settings.version)")]),
                               target: users.fold(source.nick))]
            case "PING":
                let argument = String(ctcp.argument.utf8.prefix(64)) ?? ""
                return [.reply(IRCMessage(command: "NOTICE", params: [source.nick, CTCP.encode("PING", argument)]),
                               target: users.fold(source.nick))]
            default:
                return []
            }
        }
        // A line to a channel is not membership: a channel without +n takes lines from
        // outside. Only JOIN, NAMES and WHO say who is in it.
        let place: Place = isChannel(target) ? .channel(target) : .direct
        return [.received(IncomingMessage(sender: identity, displayName: source.nick, place: place, text: body,
                                          isAction: isAction, verified: verified, botNick: session.nick,
                                          listensToQuestions: settings.listensToQuestions))]
    }

    mutating func join(_ message: IRCMessage, from source: IRCSource?, now: Date) -> [InboundAction] {
        guard let source, let channel = message.params.first else { return [] }
        if isMe(source.nick) {
            users.botJoined(channel)
            if let u = source.user, let h = source.host { session.learnUserHost(user: u, host: h) }
            return [.log(.info, "\(settings.network): joined \(channel)")]
        }
        // extended-join: JOIN #chan account :realname ("*": not logged in).
        let account: String?? = message.params.count >= 2 && session.has("extended-join")
            ? .some(message.params[1] == "*" ? "" : message.params[1]) : (message.tag("account").map { .some($0) } ?? .none)
        users.see(source.nick, user: source.user, host: source.host, account: account, confirmedAt: now)
        users.joined(source.nick, channel)
        return report(source.nick) + [.wake]
    }
}
