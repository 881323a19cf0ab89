import Foundation

/// What the lifecycle of a request decided should happen beyond its own state, in the order
/// it happens. Effects name domain messages, not sentences: the broker renders each one in
/// the words of the reader's network and queues it in the same transaction (SPEC §4).
public enum LifecycleEffect: Sendable, Equatable {
    /// A new request is confirmed to the requester where they asked, with how many members
    /// know about it (the directory's count, never who may be asked).
    case opened(knowing: Int)
    /// A new offer to an expert: the private question of SPEC §3.2.
    case offer(Offer)
    /// Nobody (more) can be asked: the requester is told once, and the request stands.
    case nobodyAvailable
    /// The requester and this expert are introduced (SPEC §3.4).
    case introduce(expert: Identity)
    /// The expert declined: they are told the requester won't know.
    case declined(Offer)
    /// The offer ended without the expert's answer; they are told why, if they ever saw it.
    case withdrawn(Offer, WithdrawalReason)
    /// The offer lapsed unanswered; the expert is told, if they ever saw it.
    case lapsed(Offer)
    /// The request needs its next-best members asked, or the requester told nobody is left.
    case refill
    /// The requester is asked whether the introductions to these experts helped.
    case remind(experts: [Identity])
    /// The request ran out its time; the requester hears how it ended.
    case closed(introductions: Int)
}

/// Why a request's pending offers end without their experts' answers; each is said its own way.
public enum WithdrawalReason: Sendable, Equatable {
    /// The requester said `cancel`.
    case cancelled
    /// The requester's identity ended with its connection.
    case requesterLeft
    /// The requester deleted the message that asked.
    case requestDeleted
    /// An admin removed the request, or its requester's data was forgotten.
    case removed
    /// Enough experts said yes.
    case fulfilled
    /// The request expired.
    case expired
    /// The expert is banned, forgotten or removed: nothing is said to them.
    case expertGone
}
