import LiaisonIRCProtocol
import LiaisonCore
import Logging

/// What `IRCInbound` decided about one server line, for `IRCClient` to carry out in order.
/// The actor owns the socket, the flood queue, the outbox bookkeeping and the host; these
/// name the work, so the decisions are tested with recorded lines and no sockets.
enum InboundAction: Sendable {
    /// A line ahead of the chat queue (PONG, JOIN, WHO, MODE, NICK, MONITOR, CAP, SASL).
    case send(IRCMessage)
    /// A reply paced like chat to one person (a CTCP answer), so a flood of CTCP requests
    /// cannot get the bot killed for flooding. `target` is folded, as the queue keys it.
    case reply(IRCMessage, target: String)
    case log(Logger.Level, String)
    /// Registration is complete: ask the host which channels to join, join them, report
    /// the connection up.
    case registered
    /// The server's casemapping, known or changed: the host folds identities with it.
    case canonicalizer(IRCCasemapping)
    /// A chat line for the broker.
    case received(IncomingMessage)
    /// The channels an identity is now in (reported on change only).
    case membership(Identity, channels: Set<String>)
    /// A connection-bound identity (no account) is gone: its nick changed or it quit.
    case identityEnded(Identity)
    /// The bot was kicked from `channel`.
    case kicked(channel: String)
    /// Someone invited the bot: the host decides whether it joins.
    case invited(by: Identity, verified: Bool, channel: String)
    /// One of the bot's own lines came back (echo-message).
    case echoed(target: String, text: String)
    /// 401: `nick` is gone; what waits for its echo or in the queue goes back to the outbox.
    case noSuchNick(String)
    /// 404 / 477: the channel refuses the bot's lines.
    case cannotSend(to: String)
    /// A nick showed itself: mail held for whoever it is may go now.
    case seen(String)
    /// Something changed that the send loop should look at (outbox routing, presence).
    case wake
    /// ISUPPORT is complete (end of the MOTD): mail held before it was known is routed again.
    case routeWaitingAgain
    /// BATCH +ref / -ref: the history bookkeeping is the client's.
    case batch(IRCMessage)
    /// FAIL CHATHISTORY: the history questions for these (folded) names, or all when none
    /// of them is asked about, are abandoned.
    case historyFailed(names: [String])
    /// 421 CHATHISTORY: the server has no history; stop asking on this connection.
    case historyRefused
}
