import Foundation
import LiaisonCore
import Logging
import Testing
@testable import LiaisonMatrix

/// What the client makes of /sync answers recorded from Synapse (Fixtures/record.py): the
/// scene is alice's DM with the bot and her room #lobby:localhost, where bob is too.
@Suite struct MatrixSyncTests {
    static let bot = "@liaison:localhost"
    static let alice = Identity(network: "mx", id: "@alice:localhost")
    static let bob = Identity(network: "mx", id: "@bob:localhost")
    static let dm = "!96p53jBS57RsoKbEGXQZ2VY_80B8SKT6B54rLvcvGWk"
    static let lobby = "!b8MZzIAiZWHan31APn3S5mwcNZmcFufp3MEWPCxVCVk"
    static let spam = "$W_CDyuyO1qcODPJTYiuGc-Mpp2fZPP_tUc9c0IZghF8"

    static func fixture(_ name: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name).json"))
    }

    static func sync(_ name: String) throws -> MatrixSync {
        try JSONDecoder().decode(MatrixSync.self, from: fixture(name))
    }

    static func settings(inviteFrom: [String] = []) -> MatrixSettings {
        MatrixSettings(network: "mx", homeserver: "http://homeserver.invalid", userID: bot, password: "pw", accessToken: nil,
                       rooms: [], listensToQuestions: true, ignore: [], inviteFrom: inviteFrom, botName: "liaison")
    }

    /// A homeserver where #lobby:localhost is the lobby, the bot has no `m.direct` yet, and
    /// nothing was missed before a limited timeline.
    static func homeserver() -> FakeTransport {
        FakeTransport { method, path in
            switch (method, path) {
            case ("GET", "/_matrix/client/v3/directory/room/%23lobby%3Alocalhost"):
                FakeTransport.json(#"{"room_id": "\#(lobby)", "servers": ["localhost"]}"#)
            case ("GET", _) where path.hasSuffix("/account_data/m.direct"):
                FakeTransport.json(#"{"errcode": "M_NOT_FOUND", "error": "Account data not found"}"#, status: 404)
            case ("GET", _) where path.hasSuffix("/messages"):
                FakeTransport.json(#"{"chunk": [], "start": "t1"}"#)
            default: nil
            }
        }
    }

    /// The client after the bot joined both rooms (joined.json), with `messages` handled next.
    static func scene(_ messages: MatrixSync) async throws -> (MatrixClient, RecordingHost, FakeTransport) {
        let host = RecordingHost()
        let transport = homeserver()
        let client = MatrixClient(settings: settings(), host: host, logger: .init(label: "test"), transport: transport)
        await client.process(try sync("joined"), since: "s1")
        await client.process(messages, since: "s2")
        return (client, host, transport)
    }

    @Test func aMessageInAJoinedRoomReachesTheHostWithItsSenderPlaceAndMention() async throws {
        let (_, host, transport) = try await Self.scene(try Self.sync("messages"))
        let messages = await host.messages
        let inLobby = try #require(messages.first { $0.place != .direct })
        #expect(inLobby.sender == Self.alice)
        #expect(inLobby.place == .channel("#lobby:localhost"), "known by the alias the directory confirmed")
        #expect(inLobby.text == "liaison: who knows about bonsai?")
        #expect(inLobby.mentionsBot)
        #expect(inLobby.eventID?.hasPrefix("$") == true)
        let inDM = try #require(messages.first { $0.place == .direct })
        #expect(inDM.sender == Self.alice && inDM.text == "optin" && !inDM.mentionsBot)
        #expect(await host.state["dm:\(Self.alice.raw)"] == Self.dm, "answers go to the room she wrote from")
        #expect(transport.calls.contains("GET /_matrix/client/v3/directory/room/%23lobby%3Alocalhost"))
    }

    @Test func theBotsOwnMessagesAndRedactedOnesAreNotMessages() async throws {
        let (_, host, _) = try await Self.scene(try Self.sync("messages"))
        let messages = await host.messages
        #expect(messages.count == 2, "alice's two; bob's was redacted before the sync (empty content), the bot's is its own")
        #expect(!messages.contains { $0.sender.id == Self.bot })
    }

    @Test func aRedactionIsReportedWithWhoRedacted() async throws {
        let (_, host, _) = try await Self.scene(try Self.sync("messages"))
        let redactions = await host.redactions
        #expect(redactions.count == 1)
        #expect(redactions.first?.eventID == Self.spam)
        #expect(redactions.first?.by == Self.alice, "a moderator, not the author (bob)")
    }

    @Test func markersForgedByAnotherMemberAreNotBelieved() async throws {
        // In messages.json alice (the room's creator, so allowed to) writes
        // org.liaison.introduction with the empty state key and org.liaison.direct for herself
        // under state key "x".
        let (client, host, _) = try await Self.scene(try Self.sync("messages"))
        let lobby = try #require(await client.rooms[Self.lobby])
        #expect(lobby.introduction == nil)
        #expect(lobby.direct == nil)
        // Believed, either would make the lobby private: gone from common ground, and her
        // messages there taken as private ones.
        #expect(await host.memberships[Self.alice] == ["#lobby:localhost"])
        #expect(await host.memberships[Self.bob] == ["#lobby:localhost"])
        await client.process(try JSONDecoder().decode(MatrixSync.self, from: Data("""
            {"next_batch": "s4", "rooms": {"join": {"\(Self.lobby)": {"timeline": {"events": [
             {"type": "m.room.message", "sender": "@alice:localhost", "event_id": "$later",
              "content": {"msgtype": "m.text", "body": "who knows about go?"}}]}}}}}
            """.utf8)), since: "s3")
        #expect(await host.messages.last?.place == .channel("#lobby:localhost"))
    }

    @Test func anInvitationFromSomeoneAllowedIsJoinedAndRecordedAsTheirDM() async throws {
        let host = RecordingHost()
        await host.allowInvitations(true)
        let transport = Self.homeserver()
        let client = MatrixClient(settings: Self.settings(), host: host, logger: .init(label: "test"), transport: transport)
        await client.process(try Self.sync("invite"), since: "s0")
        let invitations = await host.invitations
        #expect(invitations.count == 1 && invitations.first?.by == Self.alice && invitations.first?.channel == Self.dm)
        let encoded = MatrixClient.encode(Self.dm)
        #expect(transport.calls == [
            "POST /_matrix/client/v3/rooms/\(encoded)/join",
            "GET /_matrix/client/v3/user/%40liaison%3Alocalhost/account_data/m.direct",
            "PUT /_matrix/client/v3/user/%40liaison%3Alocalhost/account_data/m.direct",
        ])
        let written = try JSONDecoder().decode(JSONValue.self, from: try #require(transport.requests.last?.body))
        #expect(written == .object(["@alice:localhost": .array([.string(Self.dm)])]), "is_direct: her DM, under her only")
        #expect(await host.state["dm:\(Self.alice.raw)"] == Self.dm)
    }

    @Test func anInvitationFromSomeoneElseIsDeclined() async throws {
        let host = RecordingHost()
        let transport = Self.homeserver()
        let client = MatrixClient(settings: Self.settings(), host: host, logger: .init(label: "test"), transport: transport)
        await client.process(try Self.sync("invite"), since: "s0")
        #expect(await host.invitations.count == 1, "the host is asked whether alice is an admin")
        #expect(transport.calls == ["POST /_matrix/client/v3/rooms/\(MatrixClient.encode(Self.dm))/leave"])
        #expect(await host.state.isEmpty)
    }

    @Test func anInvitationFromAnInviteFromServerNeedsNoAdmin() async throws {
        let host = RecordingHost()
        let transport = Self.homeserver()
        let client = MatrixClient(settings: Self.settings(inviteFrom: ["LOCALHOST"]), host: host, logger: .init(label: "test"),
                                  transport: transport)
        await client.process(try Self.sync("invite"), since: "s0")
        #expect(await host.invitations.isEmpty)
        #expect(transport.calls.first == "POST /_matrix/client/v3/rooms/\(MatrixClient.encode(Self.dm))/join")
    }

    @Test func anMDirectThatCannotBeReadIsNotOverwritten() async throws {
        let host = RecordingHost()
        await host.allowInvitations(true)
        let transport = FakeTransport { method, path in
            method == "GET" && path.hasSuffix("/account_data/m.direct") ? FakeTransport.json(#"["!old:localhost"]"#) : nil
        }
        let client = MatrixClient(settings: Self.settings(), host: host, logger: .init(label: "test"), transport: transport)
        await client.process(try Self.sync("invite"), since: "s0")
        #expect(transport.calls.first == "POST /_matrix/client/v3/rooms/\(MatrixClient.encode(Self.dm))/join")
        #expect(!transport.calls.contains { $0.hasPrefix("PUT ") }, "written over what could not be read, the DMs it lists would be lost")
    }

    @Test func eventsThatCannotBeReadAreSkippedAloneNotTheirBatch() async throws {
        // Synapse sends nothing like this; a hostile homeserver may. Inserted into the
        // recorded lobby timeline: not an object, a type that is not a string, no type.
        var answer = try JSONDecoder().decode(JSONValue.self, from: try Self.fixture("messages"))
        answer = Self.inserting([.int(5), .object(["type": .int(7), "sender": .string("@alice:localhost")]),
                                 .object(["sender": .string("@alice:localhost"), "content": .object([:])])],
                                intoTimelineOf: Self.lobby, of: answer)
        let sync = try JSONDecoder().decode(MatrixSync.self, from: try JSONEncoder().encode(answer))
        #expect(sync.skipped == 3)
        let (_, host, _) = try await Self.scene(sync)
        #expect(await host.messages.count == 2)
        #expect(await host.redactions.count == 1)
    }

    @Test func anAnswerThatIsNotAnObjectIsAFailureNotAnEmptySync() {
        #expect(throws: (any Error).self) { try JSONDecoder().decode(MatrixSync.self, from: Data("<html>502</html>".utf8)) }
        #expect(throws: (any Error).self) { try JSONDecoder().decode(MatrixSync.self, from: Data("[1, 2]".utf8)) }
        #expect((try? JSONDecoder().decode(MatrixSync.self, from: Data(#"{"rooms": 5}"#.utf8)))?.nextBatch == nil)
    }

    static func inserting(_ bad: [JSONValue], intoTimelineOf room: String, of answer: JSONValue) -> JSONValue {
        guard case .object(var top) = answer, case .object(var rooms) = top["rooms"], case .object(var join) = rooms["join"],
              case .object(var joined) = join[room], case .object(var timeline) = joined["timeline"],
              case .array(let events) = timeline["events"] else { return answer }
        timeline["events"] = .array(bad + events)
        joined["timeline"] = .object(timeline)
        join[room] = .object(joined)
        rooms["join"] = .object(join)
        top["rooms"] = .object(rooms)
        return .object(top)
    }
}
