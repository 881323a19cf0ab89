import LiaisonStore
import Foundation
import Testing
@testable import LiaisonCore

/// SPEC §4: nobody receives an offer unless every condition holds.
@Suite struct EligibilityTests {
    /// Runs `setup` for alice (who knows rust), then bob asks; returns whether alice got an offer.
    func aliceIsOffered(_ setup: (Harness) throws -> Void, settings: (inout BrokerSettings) -> Void = { _ in }) throws -> Bool {
        let h = try Harness(settings)
        try h.member("alice", "rust")
        try setup(h)
        return !(try h.say("bob", "!ask rust", in: "#dev").to("alice").isEmpty)
    }

    @Test func anOptedInMemberIsOffered() throws {
        #expect(try aliceIsOffered { _ in })
    }

    @Test func notOptedInOrOptedOutGetsNoOffer() throws {
        #expect(try !aliceIsOffered { h in try h.say("alice", "optout") })
        let h = try Harness()
        try h.say("alice", "expertise add rust")
        #expect(try h.say("bob", "ask rust").to("alice").isEmpty)
    }

    @Test func awayMembersGetNoOfferUntilBack() throws {
        #expect(try !aliceIsOffered { h in try h.say("alice", "away") })
        let h = try Harness()
        try h.member("alice", "rust")
        try h.say("alice", "away 2d")
        let id = try #require(requestID(in: try h.say("bob", "ask rust")))
        let back = try h.advance(2 * 86_400)
        #expect(back.to("alice").mentioning("accept \(id)").count == 1, "the standing request reaches her when away ends")
    }

    @Test func asksFromChannelsNeedsASharedChannel() throws {
        #expect(try !aliceIsOffered { h in try h.say("alice", "prefs asks-from channels") })
        #expect(try aliceIsOffered { h in
            try h.say("alice", "prefs asks-from channels")
            try h.say("alice", "hello all", in: "#dev")
        })
        #expect(try !aliceIsOffered { h in try h.say("alice", "prefs asks-from nobody") })
    }

    @Test func blockedRequesterNeverReachesTheBlocker() throws {
        let h = try Harness()
        try h.member("alice", "rust, go")
        let id = try #require(requestID(in: try h.say("bob", "ask rust")))
        let blocked = try h.say("alice", "block \(id)")
        #expect(blocked.to("bob").mentioning("block").isEmpty, "they are not told")
        #expect(try h.say("bob", "ask go").to("alice").isEmpty)
        #expect(try h.say("alice", "prefs").to("alice").first?.contains("#\(id)") == true)
        try h.say("alice", "unblock \(id)")
        #expect(try h.say("carl", "ask go").to("alice").count == 1)
    }

    @Test func weeklyOfferLimitIsRespected() throws {
        let h = try Harness { $0.maxOffersPerWeek = 2 }
        try h.member("alice", "rust")
        for asker in ["b1", "b2", "b3"] { try h.say(asker, "ask rust") }
        let offers = try h.say("alice", "requests").to("alice").first ?? ""
        #expect(offers.contains("#1") && offers.contains("#2") && !offers.contains("#3"))
        try h.say("alice", "prefs max-offers 0")
        try h.advance(8 * 86_400)
        #expect(try h.say("b4", "ask rust").to("alice").isEmpty)
    }

    @Test func theRequesterIsNeverOfferedTheirOwnRequest() throws {
        let h = try Harness()
        try h.member("alice", "rust")
        let out = try h.say("alice", "ask rust")
        #expect(out.to("alice").mentioning("accept").isEmpty)
    }

    @Test func bannedIdentitiesNeitherAskNorReceive() throws {
        #expect(try !aliceIsOffered { h in try h.say("admin", "admin ban console:alice spam") })
        let h = try Harness()
        try h.member("alice", "rust")
        try h.say("admin", "admin ban console:bob")
        let refused = try h.say("bob", "ask rust")
        #expect(refused.to("alice").isEmpty)
        #expect(refused.to("bob").mentioning("banned").count == 1)
        #expect(try h.say("bob", "who knows about rust?", in: "#dev").isEmpty)
        try h.say("admin", "admin unban console:bob")
        #expect(try h.say("bob", "ask rust").to("alice").count == 1)
    }

    @Test func offersSpreadAcrossMembers() throws {
        let h = try Harness { $0.offersPerRequest = 1 }
        try h.member("alice", "rust")
        try h.member("carol", "rust")
        let first = try h.say("b1", "ask rust")
        let second = try h.say("b2", "ask rust")
        let firstTo = first.to("alice").isEmpty ? "carol" : "alice"
        #expect(second.to(firstTo).isEmpty, "the member with fewer recent offers goes first")
    }

    @Test func requesterLimitsRefuseWithASentenceAndKeepNothing() throws {
        let h = try Harness { $0.maxOpenRequests = 2; $0.maxRequestsPerDay = 3 }
        try h.say("bob", "ask rust")
        try h.say("bob", "ask go")
        let third = try h.say("bob", "ask zig")
        #expect(third.first?.contains("2 open requests") == true)
        try h.say("bob", "cancel 1")
        try h.say("bob", "ask zig")
        try h.say("bob", "cancel 3")
        #expect(try h.say("bob", "ask nim").first?.contains("daily limit") == true)
        try h.advance(86_401)
        #expect(try h.say("bob", "ask nim").first?.contains("Request #4") == true)
    }

    @Test func channelRepliesArePacedPerChannel() throws {
        let h = try Harness { $0.channelRepliesPerMinute = 1 }
        try h.member("alice", "rust, go")
        #expect(try h.say("bob", "who knows rust?", in: "#dev").to("#dev").count == 1)
        let second = try h.say("carl", "who knows go?", in: "#dev")
        #expect(second.to("#dev").isEmpty && second.to("carl").count == 1, "past the budget the reply goes privately")
        #expect(try h.say("dora", "who knows go?", in: "#ops").to("#ops").count == 1, "another channel has its own budget")
        try h.advance(61)
        #expect(try h.say("erin", "who knows rust?", in: "#dev").to("#dev").count == 1)
    }

    /// Abuse: a person flooding commands gets one sentence past the budget, then silence
    /// until the minute is over; nobody else is affected, and nothing is stored for them.
    @Test func aCommandFloodIsCutOffPerPerson() throws {
        let h = try Harness()
        var answers = 0
        for _ in 0..<30 { answers += try h.say("mallory", "topics", network: "libera").count }
        #expect(answers == 30)
        let notice = try h.say("mallory", "topics", network: "libera")
        #expect(notice.count == 1 && notice.first?.contains("more than 30 commands a minute") == true, "\(notice)")
        var after = 0
        for _ in 0..<10_000 { after += try h.say("mallory", "expertise add spam", network: "libera").count }
        #expect(after == 0, "the rest of the flood is dropped unread")
        #expect(try h.say("alice", "help", network: "libera").count == 1, "others are answered at once")
        #expect(try h.store.transaction { try $0.topics(of: Identity(network: "libera", id: "mallory")) }.isEmpty,
                "nothing of the flood was stored")
        try h.advance(60)
        #expect(try h.say("mallory", "topics", network: "libera").count == 1, "a minute later they are answered again")
    }

    @Test func theCommandBudgetIsConfigurableAndZeroMeansNone() throws {
        let h = try Harness { $0.commandsPerMinute = 0 }
        var answers = 0
        for _ in 0..<200 { answers += try h.say("mallory", "topics", network: "libera").count }
        #expect(answers == 200)
    }

    /// The console is local and trusted: a script piped into it runs whole.
    @Test func theConsoleIsNotRateLimited() throws {
        let h = try Harness()
        var answers = 0
        for _ in 0..<100 { answers += try h.say("alice", "topics").count }
        #expect(answers == 100)
    }
}
