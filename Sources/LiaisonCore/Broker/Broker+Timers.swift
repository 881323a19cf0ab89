import Foundation

extension Broker {
    /// Everything whose stored due time has passed: lapsed offers, expired requests,
    /// follow-ups and the end of `away`. Due times live in the state file, so a restart
    /// picks up what came due while the bot was down.
    func processDue(tx: any StoreTransaction, now: Date) throws {
        for request in try tx.expiredRequests(at: now) {
            try run(request, tx: tx, now: now) { $0.expire(now: now) }
        }
        var touched: [Int64] = []
        for offer in try tx.expiredOffers(at: now) {
            guard let request = try tx.request(offer.requestID) else { continue }
            try run(request, tx: tx, now: now) { $0.lapse(offerTo: offer.expert) }
            touched.append(offer.requestID)
        }
        _ = try tx.dropExpiredOutbox(at: now)
        for id in Set(touched).sorted() {
            if let request = try tx.request(id) { try refill(request, tx: tx, now: now) }
        }
        for var request in try tx.nobodyNoticesDue(at: now) {
            request.nobodyDueAt = nil
            try tx.saveRequest(request)
            try refill(request, tx: tx, now: now)
        }
        for var request in try tx.dueFollowups(at: now) {
            request.followupAt = nil
            try tx.saveRequest(request)
            let intros = try tx.introductions(requestID: request.id)
            guard !intros.isEmpty, intros.contains(where: { $0.thankedAt == nil }) else { continue }
            var names: [String] = []
            for intro in intros { names.append(try tx.person(intro.expert)?.displayName ?? intro.expert.id) }
            try tx.enqueue(.message, to: .person(request.requester),
                           text: "Did the introduction to \(Text.list(names)) on #\(request.id) (\(request.topic)) help? If it did, \"thanks \(request.id)\" passes your thanks on.",
                           about: Set(intros.map(\.expert)), at: now)
        }
        for var person in try tx.awayEnded(at: now) {
            person.awayUntil = nil
            try tx.savePerson(person)
            if person.optedIn == true {
                try tx.enqueue(.message, to: .person(person.identity), text: "Your away time is over: offers resumed.", at: now)
                try offerStandingRequests(to: person.identity, tx: tx, now: now)
            }
        }
    }
}
