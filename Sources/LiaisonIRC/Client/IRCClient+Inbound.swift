import LiaisonIRCProtocol
import Logging
import Foundation
import LiaisonCore

/// Server lines in: `IRCInbound` decides what each calls for; this carries the actions out,
/// in order, with the host, the flood queue and the outbox bookkeeping.
extension IRCClient {
    /// One line from the server.
    func receive(_ line: String) async {
        lastReceived = now()
        pingSentAt = nil
        guard let message = IRCMessage.parse(line) else {
            logger.debug("\(settings.network): unparsable line ignored")
            return
        }
        // History the server plays back is never handled as something said now.
        if let ref = message.tag("batch"), let batch = openBatches[ref], batch.isHistory, message.verb != .batch {
            historyLine(message, in: batch)
            return
        }
        for action in inbound.handle(message, now: now()) { await perform(action) }
    }

    func perform(_ action: InboundAction) async {
        switch action {
        case .send(let message):
            send(priority: message)
        case .reply(let message, let target):
            queue.push(.init(message.serialized()), target: target)
            wake.signal()
        case .log(let level, let text):
            logger.log(level: level, "\(text)")
        case .registered:
            registeredAt = now()
            let channels = await host.channelsToJoin(network: settings.network, configured: settings.channels)
            for channel in channels { send(priority: IRCMessage(command: "JOIN", params: [channel])) }
            wake.signal()
            await host.connectionChanged(network: settings.network, up: true)
        case .canonicalizer(let casemapping):
            await host.setCanonicalizer(network: settings.network) { casemapping.fold($0) }
        case .received(let message):
            await host.received(message)
        case .membership(let identity, let channels):
            await host.membership(identity, channels: channels)
        case .identityEnded(let identity):
            await host.identityEnded(identity)
        case .kicked(let channel):
            await host.kicked(network: settings.network, channel: channel)
        case .invited(let identity, let verified, let channel):
            if await host.invited(by: identity, verified: verified, network: settings.network, channel: channel) {
                send(priority: IRCMessage(command: "JOIN", params: [channel]))
            }
        case .echoed(let target, let text):
            await confirmEcho(target: target, text: text)
        case .noSuchNick(let nick):
            noSuchNick(nick)
        case .cannotSend(let channel):
            await cannotSend(to: channel)
        case .seen(let nick):
            seen(nick)
        case .wake:
            wake.signal()
        case .routeWaitingAgain:
            waiting = []
        case .batch(let message):
            await batch(message)
        case .historyFailed(let names):
            let named = historyChecks.keys.filter { names.contains($0) }
            abandonHistory(named.isEmpty ? Array(historyChecks.keys) : named)
        case .historyRefused:
            historyRefused = true
            abandonHistory(Array(historyChecks.keys))
        }
    }

    /// A nick showed itself: mail for whoever it is now may be deliverable (or, if they are
    /// still away, is held again when routed).
    func seen(_ nick: String) {
        guard !waiting.isEmpty || !heldAway.isEmpty, let u = users.user(nick) else { return }
        var targets: [Target] = [.person(inbound.memberIdentity(u)), .person(Identity(network: settings.network, id: users.fold(nick)))]
        if let account = u.account, !account.isEmpty {
            targets.append(.person(Identity(network: settings.network, id: users.fold(account))))
        }
        for target in targets {
            waiting.remove(target)
            heldAway.remove(target)
        }
    }

    func isMe(_ nick: String) -> Bool { inbound.isMe(nick) }
}
