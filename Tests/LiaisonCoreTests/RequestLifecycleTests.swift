import Foundation
import Testing
@testable import LiaisonCore

/// The request lifecycle as a state machine: one event in, the new state and its effects out,
/// with no store, no transport and a clock the test moves.
struct RequestLifecycleTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let bob = Identity.console("bob")
    let alice = Identity.console("alice")
    let carol = Identity.console("carol")
    let dave = Identity.console("dave")

    func lifecycle(introductionsPerRequest: Int = 1, offersTo experts: [Identity]? = nil,
                   introductions: Int = 0) -> RequestLifecycle {
        let request = Request(id: 7, requester: bob, topic: "rust", key: "rust", originalText: "ask rust", channel: "#dev",
                              status: .open, createdAt: t0, expiresAt: t0.addingTimeInterval(7 * 86_400))
        let offers = (experts ?? [alice, carol]).map {
            Offer(requestID: 7, expert: $0, status: .pending, createdAt: t0, expiresAt: t0.addingTimeInterval(86_400))
        }
        return RequestLifecycle(request: request, offers: offers, introductions: introductions,
                                rules: .init(introductionsPerRequest: introductionsPerRequest, followupAfter: 3 * 86_400,
                                             offersPerRequest: 3, offerTTL: 86_400))
    }

    func offer(_ l: RequestLifecycle, _ expert: Identity) -> Offer? { l.offers.first { $0.expert == expert } }

    @Test func aYesIntroducesFulfilsAndWithdrawsTheOtherOffers() throws {
        var l = lifecycle()
        let now = t0.addingTimeInterval(60)
        let effects = try l.answer(by: alice, accept: true, now: now)
        var withdrawnCarol = try #require(offer(lifecycle(), carol))
        withdrawnCarol.status = .withdrawn
        withdrawnCarol.answeredAt = now
        #expect(effects == [.introduce(expert: alice), .withdrawn(withdrawnCarol, .fulfilled)])
        #expect(l.request.status == .fulfilled && l.introductions == 1)
        #expect(l.request.followupAt == now.addingTimeInterval(3 * 86_400))
        #expect(offer(l, alice)?.status == .accepted && offer(l, alice)?.answeredAt == now)
        #expect(l.changedOffers(since: lifecycle()).changed.map(\.expert) == [alice, carol])
    }

    @Test func aYesShortOfTheIntroductionsWantedLeavesTheRequestOpen() throws {
        var l = lifecycle(introductionsPerRequest: 2)
        #expect(try l.answer(by: alice, accept: true, now: t0) == [.introduce(expert: alice)])
        #expect(l.request.status == .open && offer(l, carol)?.status == .pending)
        // The follow-up is set by the first introduction and not moved by the second.
        let followup = l.request.followupAt
        #expect(try l.answer(by: carol, accept: true, now: t0.addingTimeInterval(3600)) == [.introduce(expert: carol)])
        #expect(l.request.status == .fulfilled && l.request.followupAt == followup)
    }

    @Test func aNoIsQuietAndAsksForTheNextMember() throws {
        var l = lifecycle()
        let effects = try l.answer(by: alice, accept: false, now: t0)
        let declined = try #require(offer(l, alice))
        #expect(effects == [.declined(declined), .refill])
        #expect(declined.status == .declined && l.request.status == .open && offer(l, carol)?.status == .pending)
    }

    @Test func anAnswerThatCannotBeGivenIsRefusedAndChangesNothing() throws {
        var l = lifecycle()
        _ = try l.answer(by: alice, accept: false, now: t0)
        let settled = l
        #expect(throws: Refusal("Offer #7 can't be answered any more: you already declined it.")) {
            try l.answer(by: alice, accept: true, now: t0)
        }
        #expect(throws: RequestLifecycle.noOffer(7)) { try l.answer(by: dave, accept: true, now: t0) }
        #expect(throws: Refusal.banned) {
            try l.answer(by: carol, accept: true, facts: .init(expertBanned: true), now: t0)
        }
        #expect(throws: Refusal("Offer #7 can't be answered any more: it was withdrawn.")) {
            try l.answer(by: carol, accept: true, facts: .init(requesterBanned: true), now: t0)
        }
        #expect(l == settled)
        // A banned requester's expert may still say no.
        #expect(try l.answer(by: carol, accept: false, facts: .init(requesterBanned: true), now: t0).count == 2)
    }

    @Test func expiryWithdrawsWhatIsPendingAndTellsTheRequesterOnce() throws {
        var l = lifecycle(introductionsPerRequest: 2)
        _ = try l.answer(by: alice, accept: true, now: t0)
        let end = t0.addingTimeInterval(7 * 86_400)
        let effects = l.expire(now: end)
        #expect(effects.count == 2 && effects.last == .closed(introductions: 1))
        #expect(offer(l, carol)?.status == .withdrawn && offer(l, alice)?.status == .accepted)
        #expect(l.request.status == .expired)
        #expect(l.expire(now: end).isEmpty && l.cancel(.cancelled, now: end).isEmpty, "an ended request stays ended")
    }

    @Test func aLapseEndsOnlyAPendingOffer() throws {
        var l = lifecycle()
        let effects = l.lapse(offerTo: alice)
        #expect(effects == [.lapsed(try #require(offer(l, alice)))] && offer(l, alice)?.status == .expired)
        #expect(offer(l, alice)?.answeredAt == nil, "nobody answered")
        #expect(l.lapse(offerTo: alice).isEmpty)
        _ = try l.answer(by: carol, accept: true, now: t0)
        #expect(l.lapse(offerTo: carol).isEmpty && offer(l, carol)?.status == .accepted)
    }

    @Test func cancellingEndsTheRequestAndOnlyTheRequestersOwnCancelDropsTheFollowUp() throws {
        var l = lifecycle(introductionsPerRequest: 2)
        _ = try l.answer(by: alice, accept: true, now: t0)
        var removed = l
        let effects = l.cancel(.cancelled, now: t0)
        let withdrawn = effects.compactMap { effect -> Identity? in
            if case .withdrawn(let offer, .cancelled) = effect { return offer.expert }
            return nil
        }
        #expect(withdrawn == [carol] && effects.count == 1)
        #expect(l.request.status == .cancelled && l.request.followupAt == nil)
        _ = removed.cancel(.removed, now: t0)
        #expect(removed.request.status == .cancelled && removed.request.followupAt != nil)
    }

    @Test func anExpertWhoIsGoneLosesTheirOfferSilently() {
        var l = lifecycle()
        let effects = l.expertGone(alice, now: t0)
        #expect(effects.count == 1 && offer(l, alice)?.status == .withdrawn && offer(l, alice)?.answeredAt == t0)
        #expect(Broker.withdrawalNote(.expertGone, l.request) == nil, "nothing is said to them")
        #expect(l.request.status == .open && offer(l, carol)?.status == .pending)
        #expect(l.expertGone(dave, now: t0).isEmpty)
    }

    @Test func aRefillAsksTheNextBestUpToTheLimitOnlyWhenNothingIsPending() throws {
        var l = lifecycle(offersTo: [alice])
        #expect(l.refill(candidates: [carol], now: t0).isEmpty, "alice's offer is still pending")
        _ = try l.answer(by: alice, accept: false, now: t0)
        let now = t0.addingTimeInterval(600)
        let erin = Identity.console("erin")
        let effects = l.refill(candidates: [carol, dave, erin, Identity.console("frank")], now: now)
        #expect(effects.count == 3, "offers_per_request is 3")
        let made = effects.compactMap { effect -> Offer? in
            if case .offer(let offer) = effect { return offer }
            return nil
        }
        #expect(made.map(\.expert) == [carol, dave, erin])
        #expect(made.allSatisfy { $0.status == .pending && $0.createdAt == now && $0.expiresAt == now.addingTimeInterval(86_400) })
        #expect(l.pendingOffers == made && !l.needsRefill)
    }

    @Test func nobodyLeftIsToldOnceAndOnlyWhenTheOffersWouldHaveLapsedAnyway() throws {
        var l = lifecycle(offersTo: [alice])
        _ = try l.answer(by: alice, accept: false, now: t0.addingTimeInterval(60))
        // Alice's offer would have lapsed a day after it was made: the notice waits for that.
        #expect(l.refill(candidates: [], now: t0.addingTimeInterval(60)).isEmpty)
        #expect(l.request.nobodyDueAt == t0.addingTimeInterval(86_400) && !l.request.nobodyNotified)
        #expect(l.refill(candidates: [], now: t0.addingTimeInterval(86_400)) == [.nobodyAvailable])
        #expect(l.request.nobodyNotified && l.request.nobodyDueAt == nil)
        #expect(l.refill(candidates: [], now: t0.addingTimeInterval(90_000)).isEmpty, "said once")
        // Someone new turns up: asked, and a later "nobody" may be said again.
        #expect(l.refill(candidates: [carol], now: t0.addingTimeInterval(90_000)).count == 1)
        #expect(!l.request.nobodyNotified)
    }

    @Test func withAnIntroductionMadeNobodyLeftIsNotSaid() throws {
        var l = lifecycle(introductionsPerRequest: 2, offersTo: [alice])
        _ = try l.answer(by: alice, accept: true, now: t0)
        #expect(l.refill(candidates: [], now: t0.addingTimeInterval(86_400)).isEmpty)
        #expect(l.request.nobodyNotified)
    }

    @Test func theFollowUpAsksOnceAndNotWhenEveryIntroductionWasThanked() throws {
        var l = lifecycle(introductionsPerRequest: 2)
        _ = try l.answer(by: alice, accept: true, now: t0)
        _ = try l.answer(by: carol, accept: true, now: t0)
        var made = [alice, carol].enumerated().map { i, expert in
            Introduction(id: Int64(i + 1), requestID: 7, requester: bob, expert: expert, topic: "rust", createdAt: t0)
        }
        var thanked = l
        #expect(l.followupDue(made) == [.remind(experts: [alice, carol])] && l.request.followupAt == nil)
        #expect(l.followupDue(made).isEmpty, "asked once")
        made[0].thankedAt = t0
        made[1].thankedAt = t0
        #expect(thanked.followupDue(made).isEmpty && thanked.request.followupAt == nil)
    }

    @Test func aNewRequestIsConfirmedFirstThenOffered() throws {
        var l = lifecycle(offersTo: [])
        let effects = l.open(candidates: [alice, carol, dave, Identity.console("erin")], knowing: 5, now: t0)
        #expect(effects.first == .opened(knowing: 5) && effects.count == 4, "the reply, then three offers")
        #expect(l.pendingOffers.map(\.expert) == [alice, carol, dave])
        #expect(!l.request.nobodyNotified && l.request.nobodyDueAt == nil)

        // Members know about it but none may be asked: the count is the same, and the
        // notice that nobody was available waits for when offers would have lapsed.
        var blocked = lifecycle(offersTo: [])
        #expect(blocked.open(candidates: [], knowing: 2, now: t0) == [.opened(knowing: 2)])
        #expect(blocked.request.nobodyDueAt == t0.addingTimeInterval(86_400) && !blocked.request.nobodyNotified)

        // Nobody knows about it: said at once, and not again.
        var unknown = lifecycle(offersTo: [])
        #expect(unknown.open(candidates: [], knowing: 0, now: t0) == [.opened(knowing: 0)])
        #expect(unknown.request.nobodyNotified && unknown.refill(candidates: [], now: t0.addingTimeInterval(86_400)).isEmpty)
    }

    @Test func aMemberWhoTurnsUpIsOfferedOnceAndADeclineIsRenewedOnlyOnUnblock() throws {
        var l = lifecycle(offersTo: [alice])
        _ = try l.answer(by: alice, accept: false, now: t0)
        _ = l.refill(candidates: [], now: t0.addingTimeInterval(86_400))
        #expect(l.request.nobodyNotified)
        let before = l
        #expect(l.offer(to: alice, now: t0).isEmpty, "a decline is not asked again by turning up")
        let effects = l.offer(to: carol, now: t0.addingTimeInterval(90_000))
        #expect(effects.count == 1 && offer(l, carol)?.status == .pending && !l.request.nobodyNotified)
        #expect(l.changedOffers(since: before).made.map(\.expert) == [carol])
        #expect(l.offer(to: carol, now: t0).isEmpty, "one offer per member")
        // Unblocking the requester renews alice's declined offer in place.
        let renewed = l.offer(to: alice, renewingDecline: true, now: t0.addingTimeInterval(100_000))
        #expect(renewed == [.offer(try #require(offer(l, alice)))] && offer(l, alice)?.status == .pending)
        #expect(offer(l, alice)?.answeredAt == nil && offer(l, alice)?.expiresAt == t0.addingTimeInterval(186_400))
        #expect(l.changedOffers(since: before).changed.map(\.expert) == [alice])
        #expect(l.offer(to: dave, renewingDecline: true, now: t0).isEmpty, "nothing to renew")
    }
}
