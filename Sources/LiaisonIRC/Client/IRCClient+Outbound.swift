import LiaisonIRCProtocol
import Logging
import Foundation
import LiaisonCore

extension IRCClient {
    enum Route {
        case send(String)
        /// Not reachable now (nobody logged in to the account): stays in the outbox.
        case wait
        /// Online but away (AWAY, the WHOX G flag): stays in the outbox until they are back.
        case away
        /// Can never be delivered (the connection it was bound to is gone).
        case drop
    }

    /// Where a message for `target` goes now (SPEC §1 "Delivery to a person on IRC"). A
    /// person who is away is treated as not present: their messages wait until a line from
    /// them, an AWAY without text or a WHOX reply without G shows someone is back.
    func route(_ target: Target) -> Route {
        switch target {
        case .channel(_, let name):
            return .send(name)
        case .person(let id):
            if settings.identityByNick {
                if let u = users.user(id.id), presence(u) == .away { return .away }
                return .send(id.id)
            }
            if let bang = id.id.firstIndex(of: "!") {
                // Bound to one connection: that nick with that user@host, or nobody.
                let nick = String(id.id[..<bang])
                if inbound.absent.contains(nick) { return .drop }
                guard let u = users.user(nick), u.user != nil else {
                    confirm(nick)
                    return .wait
                }
                guard "\(users.fold(u.nick))!\(u.user ?? "")@\(u.host ?? "")" == id.id else { return .drop }
                return presence(u) == .away ? .away : .send(u.nick)
            }
            // An account: only a nick seen logged in to it now. In a shared channel the bot
            // sees quits and account changes; elsewhere only a confirmation moments old counts.
            var away = false
            for nick in users.nicks(loggedInTo: id.id) {
                guard let u = users.user(nick) else { continue }
                let holds = (!u.channels.isEmpty && session.has("account-notify"))
                    || u.confirmed.map { now().timeIntervalSince($0) < 3 } == true
                guard holds else {
                    confirm(u.nick)
                    continue
                }
                switch presence(u) {
                case .here: return .send(u.nick)
                case .away: away = true
                case .unknown: confirm(u.nick)
                }
            }
            return away ? .away : .wait
        }
    }

    /// Whether someone reads what is sent to this nick now (see `IRCUsers.User.presence`).
    func presence(_ u: IRCUsers.User) -> IRCUsers.Presence {
        u.presence(now: now(), live: !u.channels.isEmpty && session.has("away-notify"), canAsk: session.supportsWHOX)
    }

    /// Reads committed messages and queues their lines; joins and parts go out directly.
    /// Reads page after page: rows for people who cannot take them now (`waiting`,
    /// `heldAway`) are left out by the store, so however many wait, every deliverable row is
    /// reached.
    func pullOutbox() async {
        lastOutboxPoll = now()
        guard session.isRegistered else { return }
        var after: Int64 = 0
        while true {
            let page = await host.outbox(network: settings.network, waiting: waiting.union(heldAway).union(historyTargets), after: after)
            await deliver(page)
            guard page.count >= 500, let last = page.last?.id, session.isRegistered else { return }
            after = last
        }
    }

    func deliver(_ page: [OutboxEntry]) async {
        var done: [Int64] = []
        // `inFlight` is checked per entry: an await below may deliver entries of this list.
        for entry in page where inFlight[entry.id] == nil {
            switch entry.kind {
            case .join:
                send(priority: IRCMessage(command: "JOIN", params: [channelName(entry.target)]))
                done.append(entry.id)
            case .part:
                send(priority: IRCMessage(command: "PART", params: [channelName(entry.target), "Asked to leave by an admin"]))
                inbound.users.botLeft(channelName(entry.target))
                done.append(entry.id)
            case .introduction:
                // Only room-capable networks (Matrix) are given introduction rooms.
                done.append(entry.id)
            case .message:
                switch route(entry.target) {
                case .drop:
                    logger.info("\(settings.network): dropped a message for someone who left")
                    done.append(entry.id)
                case .wait:
                    waiting.insert(entry.target)
                    if case .person(let id) = entry.target { await watch(id) }
                case .away:
                    if heldAway.insert(entry.target).inserted {
                        logger.debug("\(settings.network): a message waits for someone who is away")
                    }
                case .send(let target):
                    if awaitsHistory(entry, wire: target) { continue }
                    let lines = chunks(entry.text, to: target)
                    guard !lines.isEmpty else { done.append(entry.id); continue }
                    inFlight[entry.id] = lines.count
                    // Several lines: one draft/multiline batch (or a few, within its limits).
                    let groups = session.multiline.map { $0.groups(lines) } ?? lines.map { [$0] }
                    for (i, group) in groups.enumerated() {
                        let wire: [String]
                        if group.count == 1 {
                            wire = [IRCMessage(command: "PRIVMSG", params: [target, group[0]]).serialized()]
                        } else {
                            batches += 1
                            wire = Multiline.frame(group, target: target, reference: "ml\(batches)")
                        }
                        queue.push(.init(wire[0], entry: entry.id, isLast: i == groups.count - 1, more: Array(wire.dropFirst())),
                                   target: users.fold(target))
                    }
                }
            }
        }
        for id in done { inFlight[id] = Self.delivered }
        if !done.isEmpty { await host.delivered(done) }
    }

    /// In `inFlight`: delivered on this connection (the row is gone; never queue it again).
    static let delivered = -1

    func channelName(_ target: Target) -> String {
        if case .channel(_, let name) = target { return name }
        return ""
    }

    /// The message's lines, each sanitised and split to fit one IRC line to `target`.
    func chunks(_ text: String, to target: String) -> [String] {
        let budget = IRCText.payloadBudget(command: "PRIVMSG", target: target, nick: session.nick,
                                           user: session.userHost?.user, host: session.userHost?.host,
                                           lineLimit: session.lineLimit)
        return Self.payloads(text, budget: budget)
    }

    /// A message's PRIVMSG payloads: one per line of the bot's template, with every control
    /// character (CR, LF, NUL, CTCP, formatting) of anyone's text made a space, and split to
    /// `budget` bytes. User text reaches the outbox without line breaks (IncomingMessage and
    /// DisplayText clean it where it enters), so only the bot's own line breaks split here.
    public static func payloads(_ text: String, budget: Int) -> [String] {
        text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).flatMap { line -> [String] in
            let clean = IRCText.plainLine(String(line)).trimmingCharacters(in: .whitespaces)
            return clean.isEmpty ? [] : IRCText.split(clean, maxBytes: max(16, budget))
        }
    }

    /// With `echo-message`, a chat line counts as sent when it comes back (SPEC §4). Returns
    /// whether an echo is now expected for it.
    func expectEcho(_ line: FloodQueue.Line) -> Bool {
        guard let entry = line.entry, session.has("echo-message") else { return false }
        var expected = false
        for text in line.wireLines {
            guard let message = IRCMessage.parse(text), message.verb == .privmsg, message.params.count >= 2 else { continue }
            awaitingEcho.append((users.fold(message.params[0]), message.params[1], entry))
            expected = true
        }
        return expected
    }

    /// A line reached the socket on a server without `echo-message`: that is delivery.
    func lineWritten(_ line: FloodQueue.Line) async {
        guard let entry = line.entry, line.isLast else { return }
        await finish(entry)
    }

    func finish(_ entry: Int64) async {
        inFlight[entry] = Self.delivered
        markedWritten.remove(entry)
        await host.delivered([entry])
    }

    /// The server echoed one of our lines. Echoes come back in order per target, and a
    /// server may alter the text (colour stripping), so the oldest line to that target is it.
    func confirmEcho(target: String, text: String) async {
        let key = users.fold(target)
        guard let index = awaitingEcho.firstIndex(where: { $0.target == key && $0.text == text })
                ?? awaitingEcho.firstIndex(where: { $0.target == key }) else { return }
        let echoed = awaitingEcho.remove(at: index)
        guard let entry = echoed.entry, let remaining = inFlight[entry], remaining > 0 else { return }
        if remaining <= 1 {
            await finish(entry)
        } else {
            inFlight[entry] = remaining - 1
        }
    }

    /// Asks the server which account a nick is logged in to now (WHOX); without WHOX the
    /// last known account stands.
    func confirm(_ nick: String) {
        // Without WHOX nothing can vouch for a nick outside shared channels: the message
        // waits until the person writes to the bot or joins a shared channel.
        guard session.supportsWHOX else { return }
        let key = users.fold(nick)
        guard inbound.whoPending.insert(key).inserted else { return }
        send(priority: IRCMessage(command: "WHO", params: [nick, "%tuhnfa,153"]))
    }

    /// 401: the nick is gone. Its lines will never echo: they go back to the outbox, to be
    /// routed again (to the person's next nick, or dropped with their connection).
    func noSuchNick(_ nick: String) {
        for entry in releaseLines(to: users.fold(nick)) where inFlight[entry] != Self.delivered { inFlight[entry] = nil }
    }

    /// 404: the channel refuses our lines (moderated, banned). Retrying would only repeat the
    /// refusal, so what was for it counts as done.
    func cannotSend(to channel: String) async {
        logger.warning("\(settings.network): cannot send to \(channel)")
        for entry in releaseLines(to: users.fold(channel)) where inFlight[entry] != Self.delivered {
            await finish(entry)
        }
    }

    /// Forgets every line to `target` that waits in the queue or for its echo; returns their entries.
    func releaseLines(to target: String) -> Set<Int64> {
        var entries = Set(queue.removeAll(target: target).compactMap(\.entry))
        awaitingEcho.removeAll { line in
            guard line.target == target else { return false }
            if let entry = line.entry { entries.insert(entry) }
            return true
        }
        return entries
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
