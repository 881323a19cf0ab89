import Foundation

/// What a chat command sees while it runs: the sender, the open transaction, and replies.
public final class CommandContext {
    let broker: Broker
    let tx: any StoreTransaction
    let now: Date
    let message: IncomingMessage
    /// The member the sender is: their own identity, or the member it is linked to. Every
    /// command acts on the member; replies go back to the identity that typed it.
    let member: Identity
    /// Commands other than `ask` and `help` typed in a channel are answered privately.
    var replyPrivately: Bool

    init(broker: Broker, tx: any StoreTransaction, now: Date, message: IncomingMessage) throws {
        self.broker = broker
        self.tx = tx
        self.now = now
        self.message = message
        self.member = try tx.member(of: message.sender) ?? message.sender
        self.replyPrivately = message.place == .direct
    }

    /// Where a refusal of this command goes: where a reply would.
    var replyTarget: Target {
        if !replyPrivately, case .channel(let channel) = message.place {
            return .channel(network: message.network, name: channel)
        }
        return .person(message.sender)
    }

    var settings: BrokerSettings { broker.settings }

    /// Replies where the command was typed (in a channel, addressed by nick), or privately.
    /// `about`: other people the text names, so that `forget` of any of them removes it.
    func reply(_ text: String, about: Set<Identity> = []) throws {
        try tx.reply([QueuedMessage(replyDraft(text, about: about))], at: now)
    }

    /// The reply `reply` would queue, as a value (for a change decided before it is written).
    func replyDraft(_ text: String, about: Set<Identity> = []) -> OutboxDraft {
        if !replyPrivately, case .channel(let channel) = message.place {
            return OutboxDraft(to: .channel(network: message.network, name: channel), text: "\(message.displayName): \(text)",
                               about: about.union([message.sender, member]))
        }
        return tellDraft(message.sender, text, about: about)
    }

    func tell(_ id: Identity, _ text: String, about: Set<Identity> = []) throws {
        try tx.reply([QueuedMessage(tellDraft(id, text, about: about))], at: now)
    }

    func tellDraft(_ id: Identity, _ text: String, about: Set<Identity> = []) -> OutboxDraft {
        OutboxDraft(to: .person(id), text: text, about: about.union([message.sender, member]))
    }

    /// The sender's own rows, read once for a command that changes them.
    func memberContext() throws -> MemberContext {
        try tx.memberContext(member)
    }

    /// The sender's person record as `memberContext` read it; a new one when never stored.
    func me(_ context: MemberContext) -> Person {
        context.person ?? Person(identity: member, displayName: message.displayName, firstSeen: now)
    }

    /// Writes the sender's changed `person` row and the reply saying so, as one.
    func save(_ person: Person, _ context: MemberContext, reply text: String) throws {
        try tx.changeMember(MemberChanges(context, person: person, messages: [QueuedMessage(replyDraft(text))], at: now))
    }

    /// Membership needs an identity that cannot be spoofed (SPEC §1).
    func requireVerified() throws {
        guard message.verified else {
            throw Refusal("You need to be logged in to a services account to do that here.")
        }
    }

    func requireNotBanned() throws {
        if try tx.isBanned(member) { throw Refusal.banned }
    }

    /// A request id as typed: a decimal integer.
    func requestID(_ args: String, usage: String) throws -> Int64 {
        var t = Substring(args.trimmingCharacters(in: .whitespaces))
        if t.hasPrefix("#") { t = t.dropFirst() }
        guard !t.isEmpty, t.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw Refusal("Usage: \(usage) (ID is a request number, like 3).")
        }
        // Every decimal number is an id; one too large to exist is simply not found.
        return Int64(t) ?? Int64.max
    }
}
