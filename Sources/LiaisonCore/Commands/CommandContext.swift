import Foundation

/// What a chat command sees while it runs: the sender, the open transaction, and replies.
public final class CommandContext {
    let broker: Broker
    let tx: any StoreTransaction
    let now: Date
    let message: IncomingMessage
    /// Commands other than `ask` and `help` typed in a channel are answered privately.
    var replyPrivately: Bool

    init(broker: Broker, tx: any StoreTransaction, now: Date, message: IncomingMessage) {
        self.broker = broker
        self.tx = tx
        self.now = now
        self.message = message
        self.replyPrivately = message.place == .direct
    }

    var sender: Identity { message.sender }
    var settings: BrokerSettings { broker.settings }

    /// Replies where the command was typed (in a channel, addressed by nick), or privately.
    func reply(_ text: String) throws {
        if !replyPrivately, case .channel(let channel) = message.place {
            try tx.enqueue(.message, to: .channel(network: message.network, name: channel),
                           text: "\(message.displayName): \(text)", at: now)
        } else {
            try tell(sender, text)
        }
    }

    func tell(_ id: Identity, _ text: String) throws {
        try tx.enqueue(.message, to: .person(id), text: text, at: now)
    }

    /// The sender's person record (created by dispatch before any command runs).
    func me() throws -> Person {
        try tx.person(sender) ?? Person(identity: sender, displayName: message.displayName, firstSeen: now)
    }

    /// Membership needs an identity that cannot be spoofed (SPEC §1).
    func requireVerified() throws {
        guard message.verified else {
            throw Refusal("You need to be logged in to a services account to do that here.")
        }
    }

    func requireNotBanned() throws {
        if try tx.isBanned(sender) { throw Refusal("Sorry, you can't use Liaison: an admin has banned you.") }
    }

    /// A request id as typed: a decimal integer.
    func requestID(_ args: String, usage: String) throws -> Int64 {
        let t = args.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "#"))
        guard !t.isEmpty, t.allSatisfy(\.isASCII), let id = Int64(t), id > 0 else {
            throw Refusal("Usage: \(usage) (ID is a request number, like 3).")
        }
        return id
    }
}
