public import Foundation

// The values of the directory's operations (docs/STORE-PROTOCOL.md §2.4: `relink`, `erase`,
// `changeAdmin`): who an identity is linked to, and the changes of links, bans, aliases and
// erasures, each written as one.

/// An identity as linking, unlinking, bans and erasure decide on it.
public struct LinkContext: Sendable {
    public var identity: Identity
    /// The member this identity is linked into (nil: it is a member of its own, or unknown).
    public var memberOf: Identity?
    /// The identities linked into this one.
    public var linked: [Identity]
    public var person: Person?
    public var version: RowVersion
    public var banned: Bool

    /// This identity and every one linked into it.
    public var identities: [Identity] { [identity] + linked }
}

/// `link` and `unlink`: codes, merges and hand-overs of identities, with their audit entries
/// and messages, all of them or nothing.
public struct LinkChange: Sendable {
    public enum Step: Sendable, Equatable {
        /// A one-time code that `issuer` redeems from its identity on `network`.
        case issueCode(String, issuer: Identity, network: String, expiresAt: Date)
        /// Every code `issuer` is waiting on (a redeemed one goes with the rest).
        case dropCodes(issuer: Identity)
        /// `alias` becomes part of `member`, whose row is then `person`: the alias's own row
        /// goes, its topics (those the member lacks), blocks and history move to the member.
        case merge(alias: Identity, into: Identity, person: Person)
        /// A linked identity goes back to being on its own.
        case unlink(Identity)
        /// The member's own identity leaves: `heir`, one of its linked identities, takes the
        /// member's place, the other links and the data (`person`: the member's row, moved).
        case handOver(member: Identity, heir: Identity, person: Person?)
    }

    public var guards: [Guard]
    public var steps: [Step]
    public var audit: [AuditNote] = []
    public var messages: [QueuedMessage] = []
    public var at: Date

    public init(guards: [Guard], steps: [Step], at: Date) {
        self.guards = guards
        self.steps = steps
        self.at = at
    }
}

/// `forget` and `admin remove`: every row of `identities` goes (introductions, offers and
/// requests stay only as anonymous counts), with the audit entries, as one. The confirmation
/// is sent after the refills the erasure causes, so it is not part of it.
public struct Erasure: Sendable {
    public var guards: [Guard]
    public var identities: [Identity]
    public var audit: [AuditNote] = []
    public var at: Date

    public init(guards: [Guard], identities: [Identity], at: Date) {
        self.guards = guards
        self.identities = identities
        self.at = at
    }
}
