import NIOCore
import NIOHTTP1
import Logging
import Foundation
import LiaisonCore

extension MatrixClient {
    /// Power levels for the rooms the bot makes: the bot alone may change state (name,
    /// members' powers, its markers), invite, kick, ban or redact others; the people it
    /// invites may talk. Nobody else can take such a room over or bring a third person in.
    static func powerLevels() -> [String: Any] {
        let reserved = ["m.room.name", "m.room.topic", "m.room.avatar", "m.room.canonical_alias", "m.room.power_levels",
                        "m.room.history_visibility", "m.room.join_rules", "m.room.guest_access", "m.room.encryption",
                        "m.room.server_acl", "m.room.tombstone", "m.room.pinned_events",
                        MatrixRoom.introductionType, MatrixRoom.directType]
        // No `users`: the preset gives the creator (the bot) 100, and room version 12
        // gives creators unlimited power and refuses them in the list.
        return [
            "users_default": 0,
            "events_default": 0,
            "state_default": 100,
            "invite": 100, "kick": 100, "ban": 100, "redact": 100,
            "events": Dictionary(uniqueKeysWithValues: reserved.map { ($0, 100) }),
            "notifications": ["room": 100],
        ]
    }

    /// The direct room with a person: one whose members are exactly that person and the bot
    /// (SPEC §4), remembered or from `m.direct`; else a new one, made exactly once.
    func directRoom(with id: Identity) async throws -> String {
        let key = "dm:\(id.raw)"
        let pointer = await host.networkState(network: network, key: key)
        var candidates = [pointer].compactMap { $0 } + (direct[id.id] ?? [])
        candidates += rooms.filter { $0.value.direct?.subject == id.id }.keys.sorted()
        // An encrypted room is no place for a private reply: the bot's plain text is not what
        // the person's client expects there, and what they answer the bot cannot read.
        if let room = candidates.first(where: { rooms[$0]?.isPrivate(for: id.id, me: me) == true && rooms[$0]?.encrypted != true }) {
            if room != pointer { _ = await host.setNetworkState(network: network, key: key, value: room) }
            if direct[id.id]?.contains(room) != true { await addDirect(id.id, room) }
            return room
        }
        if let pointer { logger.warning("\(network): \(pointer) is not private to \(id.id) any more; using another room") }
        let room = try await roomOnce("dmroom:\(id.raw)", type: MatrixRoom.directType, subject: id.id,
                                      fits: { $0.isPrivate(for: id.id, me: self.me) && !$0.encrypted }) { intent in
            [
                "preset": "private_chat", "is_direct": true, "invite": [id.id],
                "power_level_content_override": Self.powerLevels(),
                "initial_state": [
                    ["type": "m.room.history_visibility", "state_key": "", "content": ["history_visibility": "invited"]],
                    ["type": MatrixRoom.directType, "state_key": "", "content": ["user": id.id, "intent": intent]],
                ],
            ]
        }
        _ = await host.setNetworkState(network: network, key: key, value: room)
        await addDirect(id.id, room)
        return room
    }

    /// The introduction's own room, exactly once, with only the two people and the bot in it.
    /// `key`: the message's delivery key, unique even after a restored backup hands ids out again.
    func introductionRoom(_ key: String, _ requester: String, _ expert: String) async throws -> String {
        let people: Set<String> = [requester, expert]
        return try await roomOnce("introroom:\(key)", type: MatrixRoom.introductionType, subject: key,
                                  fits: { $0.holdsOnly(people, me: self.me) }) { intent in
            [
                "preset": "private_chat",
                "name": "Liaison introduction",
                "topic": "An introduction made by Liaison",
                "invite": [requester, expert],
                "power_level_content_override": Self.powerLevels(),
                "initial_state": [
                    ["type": "m.room.history_visibility", "state_key": "", "content": ["history_visibility": "invited"]],
                    ["type": MatrixRoom.introductionType, "state_key": "", "content": ["outbox": key, "intent": intent]],
                ],
            ]
        }
    }

    /// A room the bot makes at most once per purpose, even when createRoom times out or the
    /// bot crashes mid-way: a fresh intent id is recorded under `key` before createRoom and
    /// carried by the room's marker (`type`, for `subject`), and a pending intent is looked
    /// for (among the rooms the bot is in) before anything is created again. A recorded room
    /// that no longer `fits` (someone else got in) is replaced by a new one.
    func roomOnce(_ key: String, type: String, subject: String, fits: (MatrixRoom) -> Bool,
                  body: (String) -> [String: Any]) async throws -> String {
        let recorded = await host.networkState(network: network, key: key)
        if let recorded, !recorded.hasPrefix("pending") {
            if let room = rooms[recorded], fits(room) { return recorded }
            logger.warning("\(network): \(recorded) has someone else in it (or lost the bot); making a new room")
        } else if let recorded {
            let intent = recorded.hasPrefix("pending:") ? String(recorded.dropFirst("pending:".count)) : nil
            if let found = try await findRoom(type: type, subject: subject, intent: intent) {
                if let room = rooms[found], fits(room) {
                    _ = await host.setNetworkState(network: network, key: key, value: found)
                    return found
                }
            } else if let intent {
                // Not made after all: make it now, under the same intent.
                return try await create(key, type: type, subject: subject, intent: intent, body: body(intent))
            }
        }
        let intent = UUID().uuidString
        guard await host.setNetworkState(network: network, key: key, value: "pending:\(intent)") else {
            throw MatrixError.badResponse("cannot record the room before creating it")
        }
        return try await create(key, type: type, subject: subject, intent: intent, body: body(intent))
    }

    private func create(_ key: String, type: String, subject: String, intent: String, body: [String: Any]) async throws -> String {
        let response = try await call(.POST, "/_matrix/client/v3/createRoom", body: body, timeout: .seconds(20))
        guard let room = response.roomID else { throw MatrixError.badResponse("createRoom without room_id") }
        _ = await host.setNetworkState(network: network, key: key, value: room)
        // Known at once, before the sync that reports it: the bot is in, the others invited.
        var known = rooms[room] ?? MatrixRoom()
        known.joined[me] = settings.botName
        for user in body["invite"] as? [String] ?? [] where known.joined[user] == nil { known.invited.insert(user) }
        let marker = MatrixRoom.Marker(subject: subject, intent: intent)
        if type == MatrixRoom.directType { known.direct = marker } else { known.introduction = marker }
        rooms[room] = known
        logger.info("\(network): created \(type == MatrixRoom.directType ? "a direct room" : "introduction room") \(room)")
        return room
    }

    /// The room the bot made for a pending intent (or, for rooms recorded before intents,
    /// for the subject), by its marker: rooms known from sync first, then any other room the
    /// bot is in, whose state is fetched (a createRoom that timed out may not be synced yet).
    func findRoom(type: String, subject: String, intent: String?) async throws -> String? {
        func matches(_ marker: MatrixRoom.Marker?) -> Bool {
            guard let marker, marker.subject == subject else { return false }
            return intent == nil || marker.intent == intent
        }
        if let known = rooms.first(where: { matches(type == MatrixRoom.directType ? $0.value.direct : $0.value.introduction) }) {
            return known.key
        }
        let joined = try await call(.GET, "/_matrix/client/v3/joined_rooms")
        for roomID in joined.joinedRooms ?? [] where rooms[roomID] == nil {
            guard let state = try? await call(.GET, "/_matrix/client/v3/rooms/\(Self.encode(roomID))/state", as: EventList.self) else {
                continue
            }
            var room = MatrixRoom()
            for event in state.events { room.apply(event, me: me) }
            rooms[roomID] = room
            if matches(type == MatrixRoom.directType ? room.direct : room.introduction) { return roomID }
        }
        return nil
    }

    /// Records a DM in `m.direct` account data, so it is known as one after a restart and in
    /// the bot's own clients. Read, then written: what other rooms it lists is never lost.
    func addDirect(_ userID: String, _ room: String) async {
        do {
            var current: [String: [String]] = [:]
            do {
                current = try await readDirect()
            } catch let error as MatrixError where error.status == 404 {
                current = [:]
            }
            let written = current[userID]?.contains(room) == true
            for (user, ids) in direct {
                current[user] = (current[user] ?? []) + ids.filter { !(current[user] ?? []).contains($0) }
            }
            if current[userID]?.contains(room) != true { current[userID, default: []].append(room) }
            direct = current
            directLoaded = true
            if !written {
                try await call(.PUT, "/_matrix/client/v3/user/\(Self.encode(me))/account_data/m.direct", body: direct)
            }
        } catch {
            logger.warning("\(network): cannot update m.direct: \(error)")
        }
    }
}
