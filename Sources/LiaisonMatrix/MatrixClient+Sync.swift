import Foundation
import LiaisonCore

extension MatrixClient {
    /// Only what the bot needs: messages, membership, redactions, encryption, names, and
    /// its own introduction-room marker.
    static let filter: String = {
        let filter: [String: Any] = [
            "presence": ["types": [String]()],
            "account_data": ["types": ["m.direct"]],
            "room": [
                "timeline": ["types": ["m.room.message", "m.room.member", "m.room.encrypted", "m.room.redaction",
                                       "m.room.name", "m.room.canonical_alias", "m.room.encryption"], "limit": 50],
                "state": ["types": ["m.room.member", "m.room.name", "m.room.canonical_alias", "m.room.encryption",
                                    MatrixClient.introductionStateType]],
                "ephemeral": ["types": [String]()],
                "account_data": ["types": [String]()],
            ],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: filter, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }()

    static let introductionStateType = "org.liaison.introduction"

    /// Long-polls /sync. The position is saved after the events it covers were handled,
    /// and every message is handled at most once (its event ID is recorded in the same
    /// transaction as its effects), so a crash at any point neither replays nor skips.
    func syncLoop() async {
        var backoff: TimeInterval = 0.5
        var since = await host.networkState(network: network, key: "since")
        let firstEver = since == nil
        if firstEver { logger.info("\(network): first sync of this account: no history is handled") }
        var joinedConfigured = false
        while !stopping && !Task.isCancelled {
            do {
                var query = ["filter": Self.filter, "timeout": since == nil ? "0" : "30000"]
                if let since { query["since"] = since }
                // After a restart, members and names are not in memory: the first sync
                // brings the full state along with what happened since.
                if !joinedConfigured, since != nil { query["full_state"] = "true" }
                let response = try await call(.GET, "/_matrix/client/v3/sync", query: query, timeout: .seconds(60))
                guard let next = response["next_batch"] as? String else { throw MatrixError.badResponse("sync without next_batch") }
                await process(response, handleMessages: since != nil)
                guard await host.setNetworkState(network: network, key: "since", value: next) else { continue }
                if since == nil || !joinedConfigured {
                    joinedConfigured = true
                    await joinConfiguredRooms()
                    wake.signal()
                }
                since = next
                backoff = 0.5
            } catch is CancellationError {
                return
            } catch {
                // A stopped homeserver is waited for, not crashed on.
                logger.warning("\(network): sync failed: \(error); retrying in \(String(format: "%.1f", backoff)) s")
                await pause(backoff)
                backoff = min(backoff * 2, 30)
            }
        }
    }

    func joinConfiguredRooms() async {
        let rooms = await host.channelsToJoin(network: network, configured: settings.rooms)
        for room in rooms {
            do {
                let response = try await call(.POST, "/_matrix/client/v3/join/\(Self.encode(room))", body: [:])
                if let id = response["room_id"] as? String, roomLabels[id] == nil || roomLabels[id] == id { roomLabels[id] = room }
                logger.info("\(network): joined \(room)")
            } catch {
                logger.warning("\(network): cannot join \(room): \(error)")
            }
        }
    }

    func process(_ sync: [String: Any], handleMessages: Bool) async {
        if let events = (sync["account_data"] as? [String: Any])?["events"] as? [[String: Any]] {
            for event in events where event["type"] as? String == "m.direct" {
                direct = (event["content"] as? [String: [String]]) ?? direct
            }
        }
        let rooms = sync["rooms"] as? [String: Any] ?? [:]
        for (roomID, value) in rooms["invite"] as? [String: Any] ?? [:] {
            await invited(roomID, value as? [String: Any] ?? [:])
        }
        for (roomID, value) in rooms["leave"] as? [String: Any] ?? [:] {
            let timeline = (((value as? [String: Any])?["timeline"] as? [String: Any])?["events"] as? [[String: Any]]) ?? []
            let removal = timeline.last { $0["type"] as? String == "m.room.member" && $0["state_key"] as? String == me }
            if let sender = removal?["sender"] as? String, sender != me {
                // Kicked or banned: stay out until an admin says `admin join`.
                logger.warning("\(network): removed from \(roomLabels[roomID] ?? roomID) by \(sender)")
                await host.kicked(network: network, channel: roomLabels[roomID] ?? roomID)
            }
            members[roomID] = nil
            await reportMembership()
        }
        for (roomID, value) in rooms["join"] as? [String: Any] ?? [:] {
            let room = value as? [String: Any] ?? [:]
            for event in ((room["state"] as? [String: Any])?["events"] as? [[String: Any]]) ?? [] {
                applyState(roomID, event)
            }
            let timeline = ((room["timeline"] as? [String: Any])?["events"] as? [[String: Any]]) ?? []
            // A room the bot joined in this window comes with history: handle only what
            // follows the bot's own join.
            let joinedAt = timeline.lastIndex { event in
                event["type"] as? String == "m.room.member" && event["state_key"] as? String == me
                    && (event["content"] as? [String: Any])?["membership"] as? String == "join"
            }
            for (index, event) in timeline.enumerated() {
                applyState(roomID, event)
                if handleMessages, joinedAt.map({ index > $0 }) ?? true { await handle(roomID, event) }
            }
        }
        await reportMembership()
    }

    /// Membership, names and markers, from state and timeline alike.
    func applyState(_ roomID: String, _ event: [String: Any]) {
        guard let type = event["type"] as? String, let stateKey = event["state_key"] as? String else { return }
        let content = event["content"] as? [String: Any] ?? [:]
        switch type {
        case "m.room.member":
            let membership = content["membership"] as? String
            if membership == "join" {
                members[roomID, default: [:]][stateKey] = content["displayname"] as? String ?? Self.localpart(stateKey)
            } else {
                members[roomID]?[stateKey] = nil
            }
        case "m.room.canonical_alias":
            if let alias = content["alias"] as? String { roomLabels[roomID] = alias }
        case "m.room.name":
            if let name = content["name"] as? String, roomLabels[roomID]?.hasPrefix("#") != true { roomLabels[roomID] = name }
        case Self.introductionStateType:
            if let id = (content["outbox"] as? Int).map(Int64.init) ?? (content["outbox"] as? Int64) { introRooms[id] = roomID }
        default:
            break
        }
    }

    static func localpart(_ userID: String) -> String {
        String(userID.dropFirst().prefix { $0 != ":" })
    }

    func displayName(_ userID: String, in roomID: String) -> String {
        members[roomID]?[userID] ?? members.values.lazy.compactMap { $0[userID] }.first ?? Self.localpart(userID)
    }

    /// A direct room: one the person invited the bot to as a DM (`is_direct`), or one the
    /// bot made for them; both are in `m.direct`. Any other room is a channel, even with two.
    func isDirect(_ roomID: String) -> Bool {
        direct.values.contains { $0.contains(roomID) }
    }

    func handle(_ roomID: String, _ event: [String: Any]) async {
        guard let type = event["type"] as? String, let sender = event["sender"] as? String, sender != me else { return }
        let content = event["content"] as? [String: Any] ?? [:]
        switch type {
        case "m.room.redaction":
            if let redacts = event["redacts"] as? String ?? content["redacts"] as? String {
                await host.redacted(network: network, eventID: redacts)
            }
        case "m.room.encrypted":
            await noticeEncrypted(roomID)
        case "m.room.message":
            // An edit never makes a second request; notices are bots talking.
            let relation = content["m.relates_to"] as? [String: Any]
            guard relation?["rel_type"] as? String != "m.replace",
                  let msgtype = content["msgtype"] as? String, msgtype == "m.text" || msgtype == "m.emote",
                  let body = content["body"] as? String,
                  !settings.ignore.contains(where: { $0.lowercased() == sender.lowercased() }) else { return }
            let mentions = (content["m.mentions"] as? [String: Any])?["user_ids"] as? [String] ?? []
            let place: Place = isDirect(roomID) ? .direct : .channel(roomLabels[roomID] ?? roomID)
            let message = IncomingMessage(sender: Identity(network: network, id: sender),
                                          displayName: displayName(sender, in: roomID), place: place,
                                          text: Self.stripReplyFallback(body), isAction: msgtype == "m.emote", verified: true,
                                          botNick: settings.botName, mentionsBot: mentions.contains(me),
                                          listensToQuestions: settings.listensToQuestions, eventID: event["event_id"] as? String)
            if case .channel(let label) = place, label != roomID { roomLabels[roomID] = label }
            channelRooms[roomLabels[roomID] ?? roomID] = roomID
            if place == .direct {
                // Answer in the room the person wrote from, not a new one.
                let key = "dm:\(message.sender.raw)"
                if await host.networkState(network: network, key: key) != roomID {
                    _ = await host.setNetworkState(network: network, key: key, value: roomID)
                }
            }
            await host.received(message)
        default:
            break
        }
    }

    /// Replies quote the original as "> <@user> text" lines before a blank line.
    static func stripReplyFallback(_ body: String) -> String {
        guard body.hasPrefix("> ") else { return body }
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        guard let blank = lines.firstIndex(where: { $0.isEmpty }) else { return body }
        return lines[(blank + 1)...].joined(separator: "\n")
    }

    /// Said once per room, in the room (the bot cannot read end-to-end encrypted messages).
    func noticeEncrypted(_ roomID: String) async {
        let key = "e2ee-noticed:\(roomID)"
        guard !encryptedNoticed.contains(roomID), await host.networkState(network: network, key: key) == nil else { return }
        encryptedNoticed.insert(roomID)
        do {
            try await sendText(roomID, "I can't read encrypted rooms yet, so I can't help here. Message me in an unencrypted room, or ask an admin about an E2EE proxy such as pantalaimon.",
                               txn: "liaison-e2ee-\(Self.encode(roomID))")
            _ = await host.setNetworkState(network: network, key: key, value: "yes")
        } catch {
            logger.warning("\(network): cannot post the encryption notice: \(error)")
        }
    }

    /// Invitations: from users on `invite_from` servers, or from admins. Others are declined.
    func invited(_ roomID: String, _ room: [String: Any]) async {
        let events = ((room["invite_state"] as? [String: Any])?["events"] as? [[String: Any]]) ?? []
        let invite = events.first { $0["type"] as? String == "m.room.member" && $0["state_key"] as? String == me }
        guard let inviter = invite?["sender"] as? String else { return }
        let server = inviter.split(separator: ":", maxSplits: 1).last.map(String.init) ?? ""
        var allowed = settings.inviteFrom.contains { $0.lowercased() == server.lowercased() }
        if !allowed {
            allowed = await host.invited(by: Identity(network: network, id: inviter), verified: true, network: network, channel: roomID)
        }
        do {
            if allowed {
                try await call(.POST, "/_matrix/client/v3/rooms/\(Self.encode(roomID))/join", body: [:])
                logger.info("\(network): joined \(roomID) on \(inviter)'s invitation")
                let content = invite?["content"] as? [String: Any]
                if content?["is_direct"] as? Bool == true {
                    // Their DM with the bot: private replies to them go here.
                    _ = await host.setNetworkState(network: network, key: "dm:\(Identity(network: network, id: inviter).raw)", value: roomID)
                    await addDirect(inviter, roomID)
                }
            } else {
                try await call(.POST, "/_matrix/client/v3/rooms/\(Self.encode(roomID))/leave", body: [:])
                logger.warning("\(network): declined an invitation from \(inviter), who is not on invite_from nor an admin")
            }
        } catch {
            logger.warning("\(network): cannot answer the invitation to \(roomID): \(error)")
        }
    }

    /// Rooms people share with the bot feed common ground and `asks-from channels`.
    func reportMembership() async {
        var rooms: [String: Set<String>] = [:]
        for (roomID, people) in members where !isDirect(roomID) && introRooms.values.contains(roomID) == false {
            let label = roomLabels[roomID] ?? roomID
            for userID in people.keys where userID != me { rooms[userID, default: []].insert(label) }
        }
        var everyone = Set(rooms.keys)
        everyone.formUnion(reported.keys.map(\.id))
        for userID in everyone {
            let identity = Identity(network: network, id: userID)
            let channels = rooms[userID] ?? []
            guard reported[identity] != channels else { continue }
            reported[identity] = channels
            await host.membership(identity, channels: channels)
        }
    }
}
