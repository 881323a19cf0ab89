import Foundation

/// One event as a homeserver sends it (room state, timeline, invite state, account data),
/// with the content of the types Liaison reads decoded, and any other content kept as raw
/// JSON. Only an event without a type fails to decode; a field of the wrong type reads as
/// absent, as it did when events were walked as dictionaries, so a membership change with an
/// odd display name still changes membership.
struct MatrixEvent: Decodable, Equatable, Sendable {
    var type: String
    var sender: String?
    /// Present on state events only; nil and "" are different (a marker counts only with "").
    var stateKey: String?
    var eventID: String?
    /// `redacts` at the top level (room versions before 11; later ones put it in the content).
    var redacts: String?
    var content: Content

    enum Content: Equatable, Sendable {
        case message(Message)
        case member(Member)
        case redaction(redacts: String?)
        case name(String?)
        case canonicalAlias(String?)
        case encryption
        case encrypted
        /// The bot's own markers (`org.liaison.*`); who sent one is checked where it is applied.
        case introductionMarker(Marker)
        case directMarker(Marker)
        /// `m.direct` account data: user ID -> room IDs, anything else dropped.
        case directRooms([String: [String]])
        case other(JSONValue)
    }

    /// `m.room.message`: what decides whether a message is handled.
    struct Message: Decodable, Equatable, Sendable {
        var msgtype: String?
        var body: String?
        /// `m.relates_to.rel_type` (`m.replace` for an edit).
        var relation: String?
        /// `m.mentions.user_ids`, empty unless every entry is a user ID string.
        var mentions: [String] = []

        init() {}

        init(from decoder: any Decoder) throws {
            guard let c = try? decoder.container(keyedBy: Key.self) else { return }
            msgtype = c.lenient(.msgtype)
            body = c.lenient(.body)
            relation = (try? c.nestedContainer(keyedBy: Key.self, forKey: .relatesTo))?.lenient(.relType)
            mentions = (try? c.nestedContainer(keyedBy: Key.self, forKey: .mentions))?.lenient(.userIDs) ?? []
        }

        enum Key: String, CodingKey {
            case msgtype, body
            case relatesTo = "m.relates_to", relType = "rel_type"
            case mentions = "m.mentions", userIDs = "user_ids"
        }
    }

    /// `m.room.member`.
    struct Member: Decodable, Equatable, Sendable {
        var membership: String?
        var displayName: String?
        var isDirect: Bool?

        init() {}

        init(from decoder: any Decoder) throws {
            guard let c = try? decoder.container(keyedBy: Key.self) else { return }
            membership = c.lenient(.membership)
            displayName = c.lenient(.displayname)
            isDirect = c.lenient(.isDirect)
        }

        enum Key: String, CodingKey {
            case membership, displayname, isDirect = "is_direct"
        }
    }

    /// An `org.liaison.*` marker's content: its subject (`outbox` or `user`) and intent.
    struct Marker: Equatable, Sendable {
        var subject: String?
        var intent: String?
    }

    enum Key: String, CodingKey {
        case type, sender, content, redacts
        case stateKey = "state_key", eventID = "event_id"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        type = try c.decode(String.self, forKey: .type)
        sender = c.lenient(.sender)
        stateKey = c.lenient(.stateKey)
        eventID = c.lenient(.eventID)
        redacts = c.lenient(.redacts)
        let raw: JSONValue? = c.lenient(.content)
        switch type {
        case "m.room.message": content = .message(c.lenient(.content) ?? Message())
        case "m.room.member": content = .member(c.lenient(.content) ?? Member())
        case "m.room.redaction": content = .redaction(redacts: raw?["redacts"]?.string)
        case "m.room.name": content = .name(raw?["name"]?.string)
        case "m.room.canonical_alias": content = .canonicalAlias(raw?["alias"]?.string)
        case "m.room.encryption": content = .encryption
        case "m.room.encrypted": content = .encrypted
        case MatrixRoom.introductionType:
            // The message's delivery key ("id-token"); a number in rooms made before it had one.
            var subject = raw?["outbox"]?.string
            if subject == nil, case .int(let number) = raw?["outbox"] { subject = String(number) }
            content = .introductionMarker(Marker(subject: subject, intent: raw?["intent"]?.string))
        case MatrixRoom.directType:
            content = .directMarker(Marker(subject: raw?["user"]?.string, intent: raw?["intent"]?.string))
        case "m.direct": content = .directRooms(Self.directRooms(raw))
        default: content = .other(raw ?? .null)
        }
    }

    /// `m.direct` as written by any client: user ID -> room IDs, anything else dropped.
    static func directRooms(_ content: JSONValue?) -> [String: [String]] {
        guard case .object(let users) = content else { return [:] }
        var result: [String: [String]] = [:]
        for (user, value) in users {
            guard case .array(let entries) = value else { continue }
            let ids = entries.compactMap(\.string)
            if !ids.isEmpty { result[user] = ids }
        }
        return result
    }

    var message: Message? {
        if case .message(let message) = content { message } else { nil }
    }

    var member: Member? {
        if case .member(let member) = content { member } else { nil }
    }

    /// This event is `user`'s membership becoming `membership` (or any change, when nil).
    func isMembership(of user: String, _ membership: String? = nil) -> Bool {
        guard type == "m.room.member", stateKey == user else { return false }
        return membership == nil || member?.membership == membership
    }
}

/// A list of events where one that cannot be decoded is skipped and counted, never the
/// whole list: a homeserver (or a client it relays) can put anything in a batch.
struct EventList: Decodable, Equatable, Sendable {
    var events: [MatrixEvent] = []
    var skipped = 0

    init() {}

    init(from decoder: any Decoder) throws {
        let attempts = try [Attempt<MatrixEvent>](from: decoder)
        events = attempts.compactMap(\.value)
        skipped = attempts.count - events.count
    }
}
