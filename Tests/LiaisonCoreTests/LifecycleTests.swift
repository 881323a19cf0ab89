import Foundation
import Testing
@testable import LiaisonCore

/// SPEC §3: the introduction lifecycle, driven as people would drive it.
@Suite struct LifecycleTests {
    @Test func fullStoryFromRequestToThanks() throws {
        let h = try Harness()
        try h.member("alice", "tax law, reverse mortgages")
        try h.member("carol", "tax law")
        let asked = try h.say("bob", "who knows about tax law?", in: "#networking")
        // The reply goes to the channel, with a count and an id, never names.
        let channelReply = asked.to("#networking")
        #expect(channelReply.count == 1)
        #expect(channelReply.first?.contains("2 members") == true)
        let id = try #require(requestID(in: channelReply))
        #expect(asked.to("alice").count == 1)
        #expect(asked.to("carol").count == 1)
        #expect(asked.to("alice").first?.contains("accept \(id)") == true)
        #expect(asked.to("alice").first?.contains("#networking") == true)

        let declined = try h.say("carol", "decline \(id)")
        #expect(declined.to("bob").isEmpty, "the requester is not told who declined")
        #expect(declined.to("carol").count == 1)

        let accepted = try h.say("alice", "accept \(id)")
        #expect(accepted.to("bob").mentioning("alice").count == 1)
        #expect(accepted.to("alice").mentioning("bob").count == 1)
        #expect(accepted.to("bob").first?.contains("tax law") == true)

        let thanked = try h.say("bob", "thanks \(id)")
        #expect(thanked.to("alice").mentioning("thanks").count == 1)
        #expect(thanked.to("bob").mentioning("alice").count == 1)
        let again = try h.say("bob", "thanks \(id)")
        #expect(again.to("alice").isEmpty)
    }

    @Test func expertNamesNeverReachTheRequesterBeforeAcceptance() throws {
        let h = try Harness()
        try h.member("alice", "rust")
        try h.member("carol", "rust")
        var toBob: [String] = []
        toBob += try h.say("bob", "ask rust").to("bob")
        let id = try #require(requestID(in: toBob))
        toBob += try h.say("carol", "decline \(id)").to("bob")
        toBob += try h.say("bob", "requests").to("bob")
        toBob += try h.advance(3600).to("bob")
        #expect(toBob.mentioning("alice").isEmpty && toBob.mentioning("carol").isEmpty, "\(toBob)")
        let after = try h.say("alice", "yes").to("bob")
        #expect(after.mentioning("alice").count == 1)
        #expect(after.mentioning("carol").isEmpty, "a decliner is never named")
    }

    @Test func firstAcceptanceWithdrawsTheOtherOffers() throws {
        let h = try Harness()
        try h.member("alice", "rust")
        try h.member("carol", "rust")
        try h.member("dave", "rust")
        let id = try #require(requestID(in: try h.say("bob", "ask rust")))
        let out = try h.say("dave", "accept \(id)")
        #expect(out.to("alice").mentioning("no longer needed").count == 1)
        #expect(out.to("carol").mentioning("no longer needed").count == 1)
        let late = try h.say("alice", "accept \(id)")
        #expect(late.to("alice").first?.contains("withdrawn") == true)
        #expect(late.to("bob").isEmpty)
    }

    @Test func lapsedOffersGoToTheNextBestMembers() throws {
        let h = try Harness { $0.offersPerRequest = 1; $0.offerTTL = 3600 }
        try h.member("alice", "rust")
        try h.member("carol", "rust")
        let first = try h.say("bob", "ask rust")
        let id = try #require(requestID(in: first))
        let firstExpert = first.to("alice").isEmpty ? "carol" : "alice"
        let secondExpert = firstExpert == "alice" ? "carol" : "alice"
        #expect(try h.advance(1800).isEmpty)
        let lapsed = try h.advance(1801)
        #expect(lapsed.to(firstExpert).mentioning("lapsed").count == 1)
        #expect(lapsed.to(secondExpert).mentioning("accept \(id)").count == 1)
        // The last decline is quiet in time: bob hears only when the offer would have lapsed.
        #expect(try h.say(secondExpert, "no").to("bob").isEmpty)
        let nobody = try h.advance(3601)
        #expect(nobody.to("bob").mentioning("nobody was available").count == 1)
        // A standing request: a new member who knows the topic gets the offer.
        try h.say("erin", "optin")
        let standing = try h.say("erin", "expertise add Rust programming")
        #expect(standing.to("erin").mentioning("accept \(id)").count == 1)
    }

    @Test func aStandingRequestReachesMembersThroughTyposCompoundsAndAliases() throws {
        let h = try Harness()
        let typo = try #require(requestID(in: try h.say("bob", "ask mortage")))
        let compound = try #require(requestID(in: try h.say("carl", "ask cyber security")))
        try h.say("admin", "admin alias HECM = reverse mortgage")
        let alias = try #require(requestID(in: try h.say("dora", "ask HECM")))
        try h.say("alice", "optin")
        #expect(try h.say("alice", "expertise add mortgage refinancing").to("alice").mentioning("accept \(typo)").count == 1)
        try h.say("erin", "optin")
        #expect(try h.say("erin", "expertise add cybersecurity").to("erin").mentioning("accept \(compound)").count == 1)
        try h.say("fay", "optin")
        let added = try h.say("fay", "expertise add reverse mortgages")
        #expect(added.to("fay").mentioning("accept \(alias)").count == 1)
        #expect(added.to("fay").mentioning("accept \(compound)").isEmpty, "an unrelated request is not offered")
    }

    @Test func requestExpiresAndTheRequesterIsToldPrivately() throws {
        let h = try Harness { $0.requestTTL = 86_400 }
        let reply = try h.say("bob", "!ask underwater basket weaving", in: "#crafts")
        #expect(reply.to("#crafts").mentioning("nobody").count == 1)
        let id = try #require(requestID(in: reply))
        // Someone who joins within the TTL gets the standing request.
        try h.advance(3600)
        try h.say("alice", "optin")
        #expect(try h.say("alice", "know basket weaving").to("alice").mentioning("accept \(id)").count == 1)
        try h.say("alice", "decline \(id)")
        let expired = try h.advance(86_400)
        #expect(expired.to("bob").mentioning("expired").count == 1)
        #expect(try h.say("bob", "cancel \(id)").to("bob").first?.contains("already expired") == true)
    }

    @Test func followUpAsksTheRequesterAfterTheIntroduction() throws {
        let h = try Harness { $0.followupAfter = 7 * 86_400 }
        try h.member("alice", "rust")
        let id = try #require(requestID(in: try h.say("bob", "ask rust")))
        try h.say("alice", "accept \(id)")
        #expect(try h.advance(6 * 86_400).to("bob").isEmpty)
        let followup = try h.advance(86_400)
        #expect(followup.to("bob").mentioning("thanks \(id)").count == 1)
        #expect(try h.advance(30 * 86_400).to("bob").mentioning("help").isEmpty, "asked once")
        // Nobody is asked whether it helped after they already said thanks.
        try h.member("carol", "go")
        let second = try #require(requestID(in: try h.say("bob", "ask go")))
        try h.say("carol", "yes")
        try h.say("bob", "thanks \(second)")
        #expect(try h.advance(8 * 86_400).to("bob").isEmpty)
    }

    @Test func cancelWithdrawsPendingOffersWithANote() throws {
        let h = try Harness()
        try h.member("alice", "rust")
        let id = try #require(requestID(in: try h.say("bob", "ask rust")))
        let out = try h.say("bob", "cancel \(id)")
        #expect(out.to("bob").mentioning("cancelled").count == 1)
        #expect(out.to("alice").mentioning("cancelled").count == 1)
        #expect(try h.say("alice", "accept \(id)").to("bob").isEmpty)
    }

    @Test func askingAgainReturnsTheOpenRequest() throws {
        let h = try Harness()
        try h.member("alice", "rust")
        let id = try #require(requestID(in: try h.say("bob", "ask rust")))
        let again = try h.say("bob", "ask Rust")
        #expect(again.first?.contains("#\(id)") == true)
        #expect(again.to("alice").isEmpty, "no second offer")
    }

    @Test func twoIntroductionsPerRequestWhenConfigured() throws {
        let h = try Harness { $0.introsPerRequest = 2 }
        try h.member("alice", "rust")
        try h.member("carol", "rust")
        let id = try #require(requestID(in: try h.say("bob", "ask rust")))
        try h.say("alice", "accept \(id)")
        let second = try h.say("carol", "accept \(id)")
        #expect(second.to("bob").mentioning("carol").count == 1)
    }

    @Test func offersAndIntroductionsShowTheCommonGround() throws {
        let h = try Harness()
        try h.member("alice", "rust, go")
        try h.say("alice", "hi", in: "#dev")
        let first = try h.say("bob", "!ask rust", in: "#dev")
        #expect(first.first?.hasPrefix("#dev: ") == true, "the reply where it was asked comes before the offers")
        #expect(first.to("alice").first?.contains("you are both in #dev") == true)
        let intro = try h.say("alice", "accept 1")
        #expect(intro.to("bob").first?.contains("you were introduced to each other before") == false)
        let second = try h.say("bob", "ask go")
        #expect(second.to("alice").first?.contains("you were introduced to each other before") == true)
        // carol was also introduced to alice: bob and carol have one introduction in common.
        try h.say("carol", "ask rust")
        try h.say("alice", "accept 3")
        try h.member("bob", "haskell")
        #expect(try h.say("carol", "ask haskell").to("bob").first?.contains("1 earlier introduction in common") == true)
    }
}

/// What live networks bring: event IDs, redactions, introduction rooms.
@Suite struct NetworkEventTests {
    func message(_ h: Harness, _ name: String, _ text: String, event: String?, network: String = "console") -> IncomingMessage {
        IncomingMessage(sender: Identity(network: network, id: name), displayName: name, place: .direct, text: text,
                        botNick: "liaison", eventID: event)
    }

    @Test func anEventIsHandledOnceEvenWhenReplayed() throws {
        let h = try Harness()
        h.broker.handle(message(h, "bob", "ask rust", event: "$e1"), now: h.now)
        h.broker.handle(message(h, "bob", "ask go", event: "$e1"), now: h.now)
        let replies = try h.drain()
        #expect(replies.count == 1)
        #expect(try h.say("bob", "requests").first?.contains("rust") == true)
    }

    @Test func aRedactedRequestIsCancelledAndItsOffersWithdrawn() throws {
        let h = try Harness()
        try h.member("alice", "rust")
        h.broker.handle(message(h, "bob", "ask rust", event: "$ask"), now: h.now)
        #expect(try h.drain().to("alice").count == 1)
        // Someone else's redaction (a moderator's) does not speak for the requester.
        h.broker.redacted(network: "console", eventID: "$ask", by: Identity(network: "console", id: "mod"), now: h.now)
        #expect(try h.drain().to("alice").mentioning("withdrawn").isEmpty)
        h.broker.redacted(network: "console", eventID: "$ask", by: Identity(network: "console", id: "bob"), now: h.now)
        #expect(try h.drain().to("alice").mentioning("withdrawn").count == 1)
        #expect(try h.say("alice", "accept 1").first?.contains("withdrawn") == true)
    }

    @Test func onARoomNetworkTheIntroductionGetsARoomOfItsOwn() throws {
        let h = try Harness()
        var roomy = NetworkProfile.console
        roomy.roomPerIntroduction = true
        h.broker.register(roomy)
        try h.member("alice", "rust")
        try h.say("bob", "ask rust")
        try h.say("alice", "accept 1")
        let rooms = try h.store.pendingOutbox(network: "console", limit: 10)
        #expect(rooms.isEmpty, "drained")
        h.broker.handle(message(h, "carl", "ask rust", event: nil), now: h.now)
        _ = try h.drain()
        h.broker.handle(message(h, "alice", "accept 2", event: nil), now: h.now)
        let entries = try h.store.pendingOutbox(network: "console", limit: 10)
        let intro = try #require(entries.first { $0.kind == .introduction })
        #expect(intro.target == .person(.console("carl")) && intro.other == .console("alice"))
        #expect(entries.filter { $0.kind == .message }.count == 2, "a note in each DM")
    }
}
