import Foundation
import Testing
@testable import LiaisonMatrix

/// Room state as /sync delivers it (events recorded from Synapse, trimmed to what is read).
@Suite struct MatrixRoomTests {
    let bot = "@liaison:example.org"

    func events(_ json: String) throws -> [MatrixEvent] {
        try JSONDecoder().decode([MatrixEvent].self, from: Data(json.utf8))
    }

    func room(_ json: String) throws -> MatrixRoom {
        var room = MatrixRoom()
        for event in try events(json) { room.apply(event, me: bot) }
        return room
    }

    static let dm = """
    [{"type": "m.room.create", "state_key": "", "sender": "@alice:example.org", "content": {"room_version": "10"}},
     {"type": "m.room.member", "state_key": "@alice:example.org", "sender": "@alice:example.org",
      "content": {"membership": "join", "displayname": "Alice"}},
     {"type": "m.room.member", "state_key": "@liaison:example.org", "sender": "@alice:example.org",
      "content": {"membership": "invite", "is_direct": true}},
     {"type": "m.room.member", "state_key": "@liaison:example.org", "sender": "@liaison:example.org",
      "content": {"membership": "join", "displayname": "liaison"}}]
    """

    @Test func aRoomOfExactlyThePersonAndTheBotIsPrivateToThem() throws {
        let dm = try room(Self.dm)
        #expect(dm.isPrivate(for: "@alice:example.org", me: bot))
        #expect(!dm.isPrivate(for: "@mallory:example.org", me: bot))
    }

    @Test func aThirdPersonJoinedOrInvitedEndsPrivacyForBoth() throws {
        var dm = try room(Self.dm)
        for event in try events("""
            [{"type": "m.room.member", "state_key": "@bob:example.org", "sender": "@alice:example.org", "content": {"membership": "invite"}}]
            """) { dm.apply(event, me: bot) }
        #expect(!dm.isPrivate(for: "@alice:example.org", me: bot), "an invited third person could read it once they join")
        #expect(!dm.isPrivate(for: "@bob:example.org", me: bot))
        for event in try events("""
            [{"type": "m.room.member", "state_key": "@bob:example.org", "sender": "@bob:example.org", "content": {"membership": "join"}}]
            """) { dm.apply(event, me: bot) }
        #expect(!dm.isPrivate(for: "@alice:example.org", me: bot))
        #expect(!dm.isPrivate(for: "@bob:example.org", me: bot))
        for event in try events("""
            [{"type": "m.room.member", "state_key": "@bob:example.org", "sender": "@bob:example.org", "content": {"membership": "leave"}}]
            """) { dm.apply(event, me: bot) }
        #expect(dm.isPrivate(for: "@alice:example.org", me: bot), "private again once they are gone")
    }

    @Test func aPersonWhoLeftHasNoPrivateRoomThere() throws {
        var dm = try room(Self.dm)
        for event in try events("""
            [{"type": "m.room.member", "state_key": "@alice:example.org", "sender": "@alice:example.org", "content": {"membership": "leave"}}]
            """) { dm.apply(event, me: bot) }
        #expect(!dm.isPrivate(for: "@alice:example.org", me: bot))
    }

    @Test func onlyTheBotsOwnMarkerWithAnEmptyStateKeyIsBelieved() throws {
        let forged = try room("""
            [{"type": "org.liaison.introduction", "state_key": "", "sender": "@mallory:example.org", "content": {"outbox": 7}},
             {"type": "org.liaison.introduction", "state_key": "8", "sender": "@liaison:example.org", "content": {"outbox": 8}},
             {"type": "org.liaison.direct", "state_key": "", "sender": "@mallory:example.org", "content": {"user": "@alice:example.org"}}]
            """)
        #expect(forged.introduction == nil)
        #expect(forged.direct == nil)
        let own = try room("""
            [{"type": "org.liaison.introduction", "state_key": "", "sender": "@liaison:example.org", "content": {"outbox": 7, "intent": "X"}}]
            """)
        #expect(own.introduction == MatrixRoom.Marker(subject: "7", intent: "X"))
    }

    @Test func aMarkerReplacedBySomeoneElseIsGone() throws {
        let replaced = try room("""
            [{"type": "org.liaison.introduction", "state_key": "", "sender": "@liaison:example.org", "content": {"outbox": 7}},
             {"type": "org.liaison.introduction", "state_key": "other", "sender": "@mallory:example.org", "content": {"outbox": 9}},
             {"type": "org.liaison.introduction", "state_key": "", "sender": "@mallory:example.org", "content": {"outbox": 9}}]
            """)
        #expect(replaced.introduction == nil)
    }

    @Test func anIntroductionRoomHoldsOnlyTheTwoAndTheBot() throws {
        var intro = try room("""
            [{"type": "m.room.member", "state_key": "@liaison:example.org", "sender": "@liaison:example.org", "content": {"membership": "join"}},
             {"type": "m.room.member", "state_key": "@a:x", "sender": "@liaison:example.org", "content": {"membership": "invite"}},
             {"type": "m.room.member", "state_key": "@b:x", "sender": "@b:x", "content": {"membership": "join"}}]
            """)
        #expect(intro.holdsOnly(["@a:x", "@b:x"], me: bot))
        intro.apply(try events("""
            [{"type": "m.room.member", "state_key": "@eve:x", "sender": "@b:x", "content": {"membership": "join"}}]
            """)[0], me: bot)
        #expect(!intro.holdsOnly(["@a:x", "@b:x"], me: bot))
    }

    @Test func namesAreForDisplayOnlyAndCleaned() throws {
        let named = try room("""
            [{"type": "m.room.name", "state_key": "", "sender": "@m:x", "content": {"name": "#net:x\\r\\nPRIVMSG\\u0001 \\u202eevil"}},
             {"type": "m.room.member", "state_key": "@m:x", "sender": "@m:x", "content": {"membership": "join", "displayname": "Bo\\nss\\u0000"}}]
            """)
        #expect(named.display("!r:x") == "#net:x PRIVMSG evil")
        #expect(named.joined["@m:x"] == "Bo ss")
    }

    @Test func mDirectKeepsOnlyListsOfRoomIDs() {
        let content = try? JSONDecoder().decode(JSONValue.self, from: Data(#"{"@a:x": ["!1:x", 5, "!2:x"], "@b:x": "!3:x", "@c:x": []}"#.utf8))
        #expect(MatrixClient.directContent(content) == ["@a:x": ["!1:x", "!2:x"]])
    }

    @Test func roomsTheBotMakesReserveStateAndInvitesForIt() throws {
        let levels = MatrixClient.powerLevels()
        #expect(levels["users"] == nil, "nobody but the creator has power (room version 12 refuses the creator in the list)")
        #expect(levels["users_default"] as? Int == 0)
        for key in ["state_default", "invite", "kick", "ban", "redact"] { #expect(levels[key] as? Int == 100) }
        let events = try #require(levels["events"] as? [String: Int])
        #expect(events["org.liaison.introduction"] == 100 && events["m.room.power_levels"] == 100)
    }
}
