import Foundation

extension Broker {
    /// Everything whose stored due time has passed: lapsed offers, expired requests,
    /// follow-ups and the end of `away`. Due times live in the state file, so a restart
    /// picks up what came due while the bot was down.
    func processDue(tx: any StoreTransaction, now: Date) throws {
        for request in try tx.expiredRequests(at: now) {
            try expire(request, tx: tx, now: now)
        }
        var touched: [Int64] = []
        for var offer in try tx.expiredOffers(at: now) {
            offer.status = .expired
            try tx.saveOffer(offer)
            touched.append(offer.requestID)
            // An offer that never reached its expert lapses quietly: there is nothing to answer.
            guard try !tx.unsentOffer(requestID: offer.requestID, expert: offer.expert) else { continue }
            let request = try tx.request(offer.requestID)
            try tx.enqueue(.message, to: .person(offer.expert),
                           text: "Offer #\(offer.requestID) (\(request?.topic ?? "a request")) lapsed without an answer; nothing more to do.",
                           about: Set([request?.requester].compactMap { $0 }), at: now)
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

    /// `request_ttl` passed: close it, withdraw what is pending, tell the requester privately.
    func expire(_ request: Request, tx: any StoreTransaction, now: Date) throws {
        var request = request
        request.status = .expired
        try tx.saveRequest(request)
        try withdrawPending(request, note: "Offer #\(request.id) (\(request.topic)) expired with the request; no need to answer.",
                            tx: tx, now: now)
        let intros = try tx.introductions(requestID: request.id).count
        let text = intros == 0
            ? "Request #\(request.id) (\(request.topic)) expired without an introduction. Ask again any time."
            : "Request #\(request.id) (\(request.topic)) is now closed, with \(Text.plural(intros, "introduction"))."
        try tx.enqueue(.message, to: .person(request.requester), text: text, at: now)
    }
}
