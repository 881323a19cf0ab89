import LiaisonStore
import Foundation
import Testing
@testable import LiaisonCore

/// SPEC §2: commands, replies and bad input.
@Suite struct CommandTests {
    @Test func privateCommandsTypedInAChannelAreAnsweredPrivately() throws {
        let h = try Harness()
        let out = try h.say("alice", "!optin", in: "#dev")
        #expect(out.to("#dev").isEmpty)
        #expect(out.to("alice").count == 1)
        let help = try h.say("alice", "!help", in: "#dev")
        #expect(help.to("#dev").count == 1)
        let addressed = try h.say("alice", "liaison: expertise add rust", in: "#dev")
        #expect(addressed.to("alice").mentioning("added rust").count == 1)
        #expect(try h.say("alice", "liaison, help", in: "#dev").to("#dev").count == 1)
    }

    @Test func naturalLanguageWithoutAMatchIsSilentAndNotKept() throws {
        let h = try Harness()
        #expect(try h.say("bob", "who knows about quantum knitting?", in: "#dev").isEmpty)
        #expect(try h.say("bob", "requests").first?.contains("no open requests") == true)
        try h.member("alice", "rust")
        let out = try h.say("bob", "Does anyone know about Rust?", in: "#dev")
        #expect(out.to("#dev").count == 1)
        #expect(out.to("alice").count == 1)
        #expect(try h.say("bob", "rust is great", in: "#dev").isEmpty)
    }

    @Test func quietChannelsIgnoreQuestionsButNotCommands() throws {
        let h = try Harness()
        try h.member("alice", "rust")
        try h.say("admin", "admin quiet #dev on")
        #expect(try h.say("bob", "who knows rust?", in: "#dev").isEmpty)
        #expect(try h.say("bob", "!ask rust", in: "#dev").to("#dev").count == 1)
    }

    @Test func badInputGetsOneSentenceAndChangesNothing() throws {
        let h = try Harness()
        try h.say("alice", "optin")
        let long = String(repeating: "x", count: 5000)
        for bad in ["expertise add \(long)", "ask \(long)", "away soon", "frobnicate", "accept 99", "accept x",
                    "cancel 7", "prefs max-offers lots", "prefs asks-from everyone", "thanks 3", "block 1", "forget confirm"] {
            let out = try h.say("alice", bad)
            #expect(out.count == 1, "\(bad): \(out)")
            #expect(out.first.map { !$0.contains("\n") } == true)
        }
        #expect(try h.say("alice", "expertise").first?.contains("no topics") == true)
        #expect(try h.say("alice", "prefs").first?.contains("at most 5 offers a week (the default)") == true)
        #expect(try h.say("alice", "requests").first?.contains("no open requests") == true)
    }

    @Test func anUnknownIdAndSomeoneElsesIdGetTheSameSentence() throws {
        let h = try Harness()
        try h.member("alice", "rust")
        let id = try #require(requestID(in: try h.say("bob", "ask rust")))
        let notMine = try h.say("carol", "accept \(id)").first ?? ""
        let missing = try h.say("carol", "accept 999").first ?? ""
        #expect(notMine.replacingOccurrences(of: "\(id)", with: "N") == missing.replacingOccurrences(of: "999", with: "N"))
        for unknown in ["0", "#999", "99999999999999999999"] {
            #expect(try h.say("carol", "accept \(unknown)").first?.hasPrefix("carol: You have no offer #") == true)
        }
        let cancelNotMine = try h.say("carol", "cancel \(id)").first ?? ""
        let cancelMissing = try h.say("carol", "cancel 999").first ?? ""
        #expect(cancelNotMine.replacingOccurrences(of: "\(id)", with: "N") == cancelMissing.replacingOccurrences(of: "999", with: "N"))
        // Answering someone else's offer changes nothing: alice can still accept.
        #expect(try h.say("alice", "accept \(id)").to("bob").count == 1)
    }

    @Test func yesAndNoAnswerOnlyASingleWaitingOffer() throws {
        let h = try Harness()
        try h.member("alice", "rust, go")
        #expect(try h.say("alice", "yes").first?.contains("no offer") == true)
        try h.say("bob", "ask rust")
        try h.say("carol", "ask go")
        #expect(try h.say("alice", "yes").first?.contains("2 offers") == true)
        try h.say("alice", "decline 1")
        #expect(try h.say("alice", "yes").to("carol").count == 1)
    }

    @Test func expertiseAddListRemove() throws {
        let h = try Harness()
        try h.say("alice", "expertise add Tax Law, reverse mortgages")
        #expect(try h.say("alice", "know tax laws").first?.contains("Already listed") == true)
        #expect(try h.say("alice", "expertise").first == "alice: Your topics: Tax Law, reverse mortgages.")
        try h.say("alice", "expertise remove tax law")
        #expect(try h.say("alice", "expertise").first == "alice: Your topics: reverse mortgages.")
        try h.say("alice", "optin")
        #expect(try h.say("zed", "topics").first == "zed: Topics: reverse mortgages (1).")
    }

    /// Issue 6, item 6: every admin subcommand, from someone who is not an admin, gets the
    /// refusal and changes nothing; the same from an admin's identity that is not verified.
    @Test func everyAdminCommandIsRefusedToNonAdmins() throws {
        let h = try Harness()
        try h.member("mallory", "rust")
        let attempts = AdminCommands.subcommands.keys.sorted().map { name -> String in
            switch name {
            case "remove", "ban", "unban": "admin \(name) console:mallory spam"
            case "alias": "admin alias HECM = reverse mortgage"
            case "unalias": "admin unalias HECM"
            case "join", "part": "admin \(name) #secret"
            case "quiet": "admin quiet #secret on"
            case "members": "admin members rust"
            case "audit": "admin audit 5"
            default: "admin \(name)"
            }
        }
        #expect(attempts.count == 15)
        for attempt in attempts {
            let reply = try h.say("bob", attempt)
            #expect(reply == ["bob: Sorry, admin commands are only for Liaison's admins."], "\(attempt): \(reply)")
            // An admin's name without proof (an IRC nick without the account) is not an admin.
            h.broker.handle(IncomingMessage(sender: .console("admin"), displayName: "admin", place: .direct, text: attempt,
                                            verified: false, botNick: "liaison"), now: h.now)
            #expect(try h.drain() == ["admin: Sorry, admin commands are only for Liaison's admins."], "\(attempt)")
        }
        #expect(try h.say("admin", "admin bans").first?.contains("Nobody is banned") == true)
        #expect(try h.say("admin", "admin aliases").first?.contains("HECM") == false)
        #expect(try h.say("admin", "admin members rust").first?.contains("console:mallory") == true)
        #expect(try h.store.transaction { try $0.audit(limit: 50) }.isEmpty, "nothing reached the audit log")
    }

    @Test func nonAdminsAreRefusedAndAdminsWork() throws {
        let h = try Harness()
        #expect(try h.say("bob", "admin stats").first?.contains("only for Liaison's admins") == true)
        #expect(try h.say("admin", "admin stats", in: "#dev").to("#dev").isEmpty)
        try h.member("alice", "rust")
        #expect(try h.say("admin", "admin members rust").first?.contains("console:alice") == true)
        try h.say("admin", "admin alias HECM = reverse mortgage")
        #expect(try h.say("admin", "admin aliases").first?.contains("HECM = reverse mortgage") == true)
        let audit = try h.say("admin", "admin audit 5").joined()
        #expect(audit.contains("alias HECM"))
        #expect(try h.say("admin", "admin join #new").first?.contains("Joining #new") == true)
        #expect(try h.say("admin", "admin bogus").first?.contains("no admin command") == true)
    }

    @Test func aliasesHelpMatching() throws {
        let h = try Harness()
        try h.member("alice", "reverse mortgages")
        #expect(try h.say("bob", "ask HECM").to("alice").isEmpty)
        try h.say("admin", "admin alias HECM = reverse mortgage")
        #expect(try h.say("carl", "ask HECM").to("alice").count == 1)
    }

    @Test func partedChannelsAreIgnored() throws {
        let h = try Harness()
        try h.member("alice", "rust")
        try h.say("admin", "admin part #dev")
        #expect(try h.say("bob", "!ask rust", in: "#dev").isEmpty)
    }

    @Test func forgetNeedsConfirmationAndRemovesEverything() throws {
        let h = try Harness()
        try h.member("alice", "rust")
        #expect(try h.say("alice", "forget").first?.contains("forget confirm") == true)
        #expect(try h.say("alice", "forget confirm").count == 1)
        #expect(try h.say("bob", "ask rust").to("alice").isEmpty)
        #expect(try h.say("alice", "mydata") == ["alice: I store nothing about you."], "talking to the bot stores nothing")
    }

    @Test func askIsAnsweredInTheChannelEvenWhenRefused() throws {
        let h = try Harness()
        #expect(try h.say("bob", "!ask", in: "#dev").to("#dev").first?.contains("Usage: ask TOPIC") == true)
        #expect(try h.say("bob", "!ask the", in: "#dev").to("#dev").count == 1)
        #expect(try h.say("bob", "!cancel 5", in: "#dev").to("bob").count == 1)
    }

    @Test func greetingsBeforeTheNickStillAddressTheBot() throws {
        let h = try Harness()
        try h.member("alice", "ruby")
        #expect(try h.say("bob", "hey liaison, who knows ruby", in: "#dev").to("#dev").first?.contains("1 member") == true)
    }

    @Test func aQuestionInPrivateIsTheAskItMeans() throws {
        let h = try Harness()
        #expect(try h.say("bob", "who knows about rust?").first?.hasPrefix("bob: Request #1: nobody who knows about rust") == true)
    }

    /// A ban ends the banned expert's pending offers as every other withdrawal does: marked
    /// withdrawn when it happened, and the request goes on to the next member.
    @Test func aBanWithdrawsTheExpertsOffersAndTheRequestGoesOn() throws {
        let h = try Harness { $0.offersPerRequest = 1 }
        try h.member("alice", "rust")
        try h.member("carol", "rust")
        try h.say("bob", "ask rust")
        let first = try h.store.transaction { tx in try tx.offers(requestID: 1) }
        let expert = try #require(first.first?.expert)
        h.now = h.now.addingTimeInterval(60)
        let out = try h.say("admin", "admin ban \(expert.raw) spam")
        let offers = try h.store.transaction { tx in try tx.offers(requestID: 1) }
        let ended = try #require(offers.first { $0.expert == expert })
        #expect(ended.status == .withdrawn)
        #expect(ended.answeredAt == h.now)
        let other = expert.id == "alice" ? "carol" : "alice"
        #expect(offers.contains { $0.expert.id == other && $0.status == .pending })
        #expect(!out.to(other).isEmpty, "the next member is asked: \(out)")
    }

    @Test func auditNamesTheSubjectAndScrubsItOnForget() throws {
        let h = try Harness()
        try h.say("alice", "optin")
        try h.say("admin", "admin ban console:alice spamming")
        try h.say("admin", "admin unban console:alice")
        #expect(try h.say("admin", "admin audit").joined().contains("ban console:alice (reason: spamming)"))
        try h.say("alice", "forget")
        try h.say("alice", "forget confirm")
        let audit = try h.say("admin", "admin audit").joined()
        #expect(!audit.contains("console:alice") && audit.contains("ban (forgotten) (reason: spamming)"))
    }
}
