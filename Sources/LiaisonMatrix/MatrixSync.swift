import Foundation

/// A /sync answer, only the parts Liaison reads. Decoding fails only when the answer is not
/// a JSON object (a proxy's page, a cut-off body: retried); a section of the wrong shape
/// reads as empty, a room of the wrong shape as a room without events, and a bad event is
/// skipped alone (see EventList).
struct MatrixSync: Decodable, Equatable, Sendable {
    var nextBatch: String?
    var accountData = EventList()
    var join: [String: Joined] = [:]
    var invite: [String: Invited] = [:]
    var leave: [String: Left] = [:]

    struct Timeline: Decodable, Equatable, Sendable {
        var events = EventList()
        var limited = false
        var prevBatch: String?

        init() {}

        init(from decoder: any Decoder) throws {
            guard let c = try? decoder.container(keyedBy: Key.self) else { return }
            events = c.lenient(.events) ?? EventList()
            limited = c.lenient(.limited) ?? false
            prevBatch = c.lenient(.prevBatch)
        }
    }

    struct Joined: Decodable, Equatable, Sendable {
        var state = EventList()
        var timeline = Timeline()

        init() {}

        init(from decoder: any Decoder) throws {
            guard let c = try? decoder.container(keyedBy: Key.self) else { return }
            state = c.events(.state)
            timeline = c.lenient(.timeline) ?? Timeline()
        }
    }

    struct Invited: Decodable, Equatable, Sendable {
        var inviteState = EventList()

        init() {}

        init(from decoder: any Decoder) throws {
            guard let c = try? decoder.container(keyedBy: Key.self) else { return }
            inviteState = c.events(.inviteState)
        }
    }

    struct Left: Decodable, Equatable, Sendable {
        var timeline = Timeline()

        init() {}

        init(from decoder: any Decoder) throws {
            guard let c = try? decoder.container(keyedBy: Key.self) else { return }
            timeline = c.lenient(.timeline) ?? Timeline()
        }
    }

    enum Key: String, CodingKey {
        case nextBatch = "next_batch", accountData = "account_data", rooms, join, invite, leave
        case state, timeline, events, limited, prevBatch = "prev_batch", inviteState = "invite_state"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        nextBatch = c.lenient(.nextBatch)
        accountData = c.events(.accountData)
        guard let rooms = try? c.nestedContainer(keyedBy: Key.self, forKey: .rooms) else { return }
        join = rooms.lenient(.join) ?? [:]
        invite = rooms.lenient(.invite) ?? [:]
        leave = rooms.lenient(.leave) ?? [:]
    }

    /// Every event list the answer carries, for counting what was skipped.
    var skipped: Int {
        accountData.skipped + join.values.reduce(0) { $0 + $1.state.skipped + $1.timeline.events.skipped }
            + invite.values.reduce(0) { $0 + $1.inviteState.skipped } + leave.values.reduce(0) { $0 + $1.timeline.events.skipped }
    }
}

extension KeyedDecodingContainer where Key == MatrixSync.Key {
    /// `{"events": [...]}` under `key`; empty when it is missing or not of that shape.
    func events(_ key: Key) -> EventList {
        (try? nestedContainer(keyedBy: Key.self, forKey: key))?.lenient(.events) ?? EventList()
    }
}

/// Any other answer of the client-server API: a JSON object (decoding fails otherwise, as
/// an answer to retry), with the few fields Liaison reads, each nil when absent or odd.
struct MatrixReply: Decodable, Sendable {
    var roomID: String?
    var eventID: String?
    var deviceID: String?
    var accessToken: String?
    var joinedRooms: [String]?
    /// `/messages`: a page of events and the token for the next one.
    var chunk = EventList()
    var end: String?
    var errcode: String?
    var error: String?
    var retryAfterMs: Int?

    enum Key: String, CodingKey {
        case roomID = "room_id", eventID = "event_id", deviceID = "device_id", accessToken = "access_token"
        case joinedRooms = "joined_rooms", chunk, end, errcode, error, retryAfterMs = "retry_after_ms"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        roomID = c.lenient(.roomID)
        eventID = c.lenient(.eventID)
        deviceID = c.lenient(.deviceID)
        accessToken = c.lenient(.accessToken)
        joinedRooms = c.lenient(.joinedRooms)
        chunk = c.lenient(.chunk) ?? EventList()
        end = c.lenient(.end)
        errcode = c.lenient(.errcode)
        error = c.lenient(.error)
        retryAfterMs = c.lenient(.retryAfterMs)
    }
}
