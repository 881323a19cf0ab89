import Foundation
import LiaisonCore

extension IRCClient {
    enum Route {
        case send(String)
        /// Not reachable now (nobody logged in to the account): stays in the outbox.
        case wait
        /// Can never be delivered (the connection it was bound to is gone).
        case drop
    }

    /// Where a message for `target` goes now (SPEC §1 "Delivery to a person on IRC").
    func route(_ target: Target) -> Route {
        switch target {
        case .channel(_, let name):
            return .send(name)
        case .person(let id):
            if settings.identityByNick { return .send(id.id) }
            if let bang = id.id.firstIndex(of: "!") {
                let nick = String(id.id[..<bang])
                guard let u = users.user(nick), "\(users.fold(u.nick))!\(u.user ?? "")@\(u.host ?? "")" == id.id else { return .drop }
                return .send(u.nick)
            }
            // An account: only a nick currently seen logged in to it. In a shared channel the
            // bot sees quits and account changes; elsewhere it asks the server first (WHOX).
            for nick in users.nicks(loggedInTo: id.id) {
                guard let u = users.user(nick) else { continue }
                if !u.channels.isEmpty { return .send(u.nick) }
                if let confirmed = u.confirmed, Date().timeIntervalSince(confirmed) < 15 { return .send(u.nick) }
                confirm(u.nick)
            }
            return .wait
        }
    }

    /// Reads committed messages and queues their lines; joins and parts go out directly.
    func pullOutbox() async {
        lastOutboxPoll = Date()
        guard session.isRegistered else { return }
        var done: [Int64] = []
        for entry in await host.outbox(network: settings.network) where inFlight[entry.id] == nil {
            switch entry.kind {
            case .join:
                send(priority: IRCMessage(command: "JOIN", params: [channelName(entry.target)]))
                done.append(entry.id)
            case .part:
                send(priority: IRCMessage(command: "PART", params: [channelName(entry.target), "Asked to leave by an admin"]))
                users.botLeft(channelName(entry.target))
                done.append(entry.id)
            case .message:
                switch route(entry.target) {
                case .drop:
                    logger.info("\(settings.network): dropped a message for someone who left")
                    done.append(entry.id)
                case .wait:
                    if case .person(let id) = entry.target { await watch(id) }
                case .send(let target):
                    let lines = chunks(entry.text, to: target)
                    guard !lines.isEmpty else { done.append(entry.id); continue }
                    inFlight[entry.id] = lines.count
                    for (i, text) in lines.enumerated() {
                        let line = IRCMessage(command: "PRIVMSG", params: [target, text]).serialized()
                        queue.push(.init(line, entry: entry.id, isLast: i == lines.count - 1), target: users.fold(target))
                    }
                }
            }
        }
        if !done.isEmpty { await host.delivered(done) }
    }

    func channelName(_ target: Target) -> String {
        if case .channel(_, let name) = target { return name }
        return ""
    }

    /// The message's lines, each sanitised and split to fit one IRC line to `target`.
    func chunks(_ text: String, to target: String) -> [String] {
        let budget = IRCText.payloadBudget(command: "PRIVMSG", target: target, nick: session.nick,
                                           user: session.userHost?.user, host: session.userHost?.host,
                                           lineLimit: session.lineLimit)
        return text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).flatMap { line -> [String] in
            let clean = IRCText.sanitize(String(line)).trimmingCharacters(in: .whitespaces)
            return clean.isEmpty ? [] : IRCText.split(clean, maxBytes: max(16, budget))
        }
    }

    /// A line reached the socket. Without `echo-message` that is delivery (SPEC §4).
    func lineWritten(_ line: FloodQueue.Line) async {
        guard let entry = line.entry else { return }
        if session.has("echo-message"), let message = IRCMessage.parse(line.text), message.params.count >= 2 {
            awaitingEcho.append((users.fold(message.params[0]), message.params[1], entry))
            return
        }
        if line.isLast {
            // Still in flight until the outbox row is gone, so no poll queues it again.
            await host.delivered([entry])
            inFlight[entry] = nil
        }
    }

    /// The server echoed one of our lines: when an entry's last line is back, it is delivered.
    func confirmEcho(target: String, text: String) async {
        let key = users.fold(target)
        guard let index = awaitingEcho.firstIndex(where: { $0.target == key && $0.text == text }) else { return }
        let echoed = awaitingEcho.remove(at: index)
        guard let entry = echoed.entry, let remaining = inFlight[entry] else { return }
        if remaining <= 1 {
            await host.delivered([entry])
            inFlight[entry] = nil
        } else {
            inFlight[entry] = remaining - 1
        }
    }

    /// Asks the server which account a nick is logged in to now (WHOX); without WHOX the
    /// last known account stands.
    func confirm(_ nick: String) {
        guard session.supportsWHOX else {
            users.see(nick, confirmedAt: Date())
            return
        }
        let key = users.fold(nick)
        guard !whoPending.contains(key) else { return }
        whoPending.insert(key)
        send(priority: IRCMessage(command: "WHO", params: [nick, "%tnfa,153"]))
    }

    /// 401: the nick is gone. Lines to it will never echo: they go back to the outbox.
    func noSuchNick(_ nick: String) {
        let key = users.fold(nick)
        if users.user(nick)?.channels.isEmpty ?? true { users.quit(nick) }
        var released: Set<Int64> = []
        awaitingEcho.removeAll { line in
            guard line.target == key else { return false }
            if let entry = line.entry { released.insert(entry) }
            return true
        }
        for entry in released { inFlight[entry] = nil }
    }

    /// Someone has mail but no nick is seen logged in to their account: watch their last
    /// nick (MONITOR), and ask for its account when it comes online.
    func watch(_ id: Identity) async {
        guard session.monitorLimit != nil, monitored[id.id] == nil, monitored.count < (session.monitorLimit ?? 0),
              let nick = await host.displayName(id), !nick.isEmpty, !nick.contains(" ") else { return }
        monitored[id.id] = nick
        send(priority: IRCMessage(command: "MONITOR", params: ["+", nick]))
    }
}
