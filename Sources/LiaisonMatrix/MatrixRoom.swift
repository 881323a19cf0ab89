import Foundation

/// What the bot knows of one room from its state, and only what it can trust: members as the
/// homeserver reports them, and the bot's own markers (an `org.liaison.*` state event counts
/// only when the bot itself sent it with an empty state key; anyone with enough power can
/// write state, so a marker from anyone else is ignored, and one that replaced the bot's
/// removes it). Names and aliases are kept for display only: a room is known by its ID.
struct MatrixRoom: Equatable {
    /// Joined members: user ID -> display name.
    var joined: [String: String] = [:]
    var invited: Set<String> = []
    /// `m.room.name`, cleaned for display; never a key.
    var name: String?
    /// `m.room.canonical_alias` as the room claims it; a key only once the directory confirms it.
    var claimedAlias: String?
    var encrypted = false
    /// The bot's introduction marker: the outbox entry and the creation intent.
    var introduction: Marker?
    /// The bot's direct-room marker: the person it was made for and the creation intent.
    var direct: Marker?

    struct Marker: Equatable {
        /// The outbox id (introduction) or the user ID (direct room).
        var subject: String
        /// The stable id recorded before the room was created; nil on rooms made before it existed.
        var intent: String?
    }

    static let introductionType = "org.liaison.introduction"
    static let directType = "org.liaison.direct"

    /// Applies one state event (from `state` or the timeline). `me` is the bot's user ID.
    mutating func apply(_ event: MatrixEvent, me: String) {
        guard let stateKey = event.stateKey else { return }
        switch event.content {
        case .member(let member):
            switch member.membership {
            case "join":
                invited.remove(stateKey)
                joined[stateKey] = member.displayName.map(Self.clean).flatMap { $0.isEmpty ? nil : $0 } ?? Self.localpart(stateKey)
            case "invite":
                joined[stateKey] = nil
                invited.insert(stateKey)
            default:
                joined[stateKey] = nil
                invited.remove(stateKey)
            }
        case .name(let value):
            name = value.map(Self.clean).flatMap { $0.isEmpty ? nil : $0 }
        case .canonicalAlias(let alias):
            claimedAlias = alias
        case .encryption:
            encrypted = true
        case .introductionMarker(let content):
            if let change = Self.marker(event, stateKey: stateKey, me: me, content) { introduction = change }
        case .directMarker(let content):
            if let change = Self.marker(event, stateKey: stateKey, me: me, content) { direct = change }
        default:
            break
        }
    }

    /// A marker state event is the bot's only when it sent it with an empty state key. One
    /// with another state key is a different state entry and changes nothing; one from
    /// someone else with the empty key replaced the bot's, so there is none any more.
    private static func marker(_ event: MatrixEvent, stateKey: String, me: String, _ content: MatrixEvent.Marker) -> Marker?? {
        guard stateKey.isEmpty else { return .none }
        guard event.sender == me, let subject = content.subject else { return .some(nil) }
        return .some(Marker(subject: subject, intent: content.intent))
    }

    /// Everyone who can read what is posted now or once they accept: joined and invited.
    var everyone: Set<String> { Set(joined.keys).union(invited) }

    /// Private for `person`: the bot is joined, the person is joined or invited, and nobody
    /// else is either (SPEC §4 "private means private").
    func isPrivate(for person: String, me: String) -> Bool {
        joined[me] != nil && everyone.contains(person) && everyone.isSubset(of: [person, me])
    }

    /// Only these people (and the bot) are in the room, the bot among them.
    func holdsOnly(_ people: Set<String>, me: String) -> Bool {
        joined[me] != nil && everyone.isSubset(of: people.union([me]))
    }

    /// For people to read: the name, else the alias, else the ID; never a key.
    func display(_ roomID: String) -> String {
        name ?? claimedAlias.map(Self.clean) ?? roomID
    }

    static func localpart(_ userID: String) -> String {
        String(userID.dropFirst().prefix { $0 != ":" })
    }

    /// Names come from other people: no control characters or line breaks, bounded length.
    static func clean(_ text: String) -> String {
        let scalars = text.unicodeScalars.map { scalar -> Character in
            scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format
                || scalar.properties.generalCategory == .lineSeparator || scalar.properties.generalCategory == .paragraphSeparator
                ? " " : Character(scalar)
        }
        let collapsed = String(scalars).split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        return String(collapsed.prefix(100))
    }
}
