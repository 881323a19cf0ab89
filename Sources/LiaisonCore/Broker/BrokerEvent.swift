/// A step of the introduction lifecycle, reported to `Broker.observe` once the transaction
/// that made it has committed (a rolled-back step is never reported). For metrics: the
/// events carry no names, topics or words.
public enum BrokerEvent: Sendable, Equatable {
    /// A new request (asking again for an open one is not new).
    case request
    /// An offer sent to one expert.
    case offer
    /// An expert accepted an offer.
    case acceptance
    /// Two people were introduced.
    case introduction
    /// A requester passed thanks on for one request.
    case thanks
}

extension Broker {
    /// Queues `event` for `observe`, after the running transaction commits.
    func note(_ event: BrokerEvent) {
        pendingEvents.append(event)
    }
}
