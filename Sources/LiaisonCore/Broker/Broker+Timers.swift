import Foundation

extension Broker {
    /// Everything whose stored due time has passed: lapsed offers, expired requests,
    /// follow-ups and the end of `away`. Due times live in the state file, so a restart
    /// picks up what came due while the bot was down.
    func processDue(tx: any StoreTransaction, now: Date) throws {
        for request in try tx.expiredRequests(at: now) {
            try run(request, tx: tx, now: now) { $0.expire(now: now) }
        }
        // Offers made together lapse together: each request's lifecycle is read once for all
        // of its offers that lapsed, in the order they came due.
        var touched: [Int64] = []
        var lapsing: [Int64: [Identity]] = [:]
        for offer in try tx.expiredOffers(at: now) {
            if lapsing[offer.requestID] == nil { touched.append(offer.requestID) }
            lapsing[offer.requestID, default: []].append(offer.expert)
        }
        for id in touched {
            guard let request = try tx.request(id) else { continue }
            try run(request, tx: tx, now: now) { lifecycle in
                (lapsing[id] ?? []).flatMap { lifecycle.lapse(offerTo: $0) }
            }
        }
        _ = try tx.dropExpiredOutbox(at: now)
        try refill(touched.sorted(), tx: tx, now: now)
        for request in try tx.nobodyNoticesDue(at: now) {
            try run(request, tx: tx, now: now) { $0.nobodyNoticeDue() }
        }
        for request in try tx.dueFollowups(at: now) {
            let made = try tx.introductions(requestID: request.id)
            try run(request, tx: tx, now: now) { $0.followupDue(made) }
        }
        for var person in try tx.awayEnded(at: now) {
            person.awayUntil = nil
            let context = try tx.memberContext(person.identity)
            let back = person.optedIn == true
            let notice = OutboxDraft(to: .person(person.identity), text: "Your away time is over: offers resumed.")
            try tx.changeMember(MemberChanges(context, person: person, messages: back ? [QueuedMessage(notice)] : [], at: now))
            if back { try offerStandingRequests(to: person.identity, tx: tx, now: now) }
        }
    }
}
