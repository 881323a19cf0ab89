import NIOHTTP1
import Logging
import Foundation
import LiaisonCore

extension MatrixClient {
    func displayName(_ userID: String, in roomID: String) -> String {
        rooms[roomID]?.joined[userID] ?? rooms.values.lazy.compactMap { $0.joined[userID] }.first ?? MatrixRoom.localpart(userID)
    }

    /// The person's direct room with the bot: in the bot's own `m.direct` under that person
    /// (their invitation said `is_direct`, or the bot made it for them), or marked by the
    /// bot as made for them. Only the bot writes either. Someone else speaking there is
    /// speaking in a room with others, not privately.
    func isDirect(_ roomID: String, for userID: String) -> Bool {
        direct[userID]?.contains(roomID) == true || rooms[roomID]?.direct?.subject == userID
    }

    /// A DM of anyone, or an introduction room: not a channel for common ground.
    func isPrivateKind(_ roomID: String) -> Bool {
        rooms[roomID]?.introduction != nil || rooms[roomID]?.direct != nil || direct.values.contains { $0.contains(roomID) }
    }

    func handle(_ roomID: String, _ event: MatrixEvent) async {
        guard let sender = event.sender, sender != me else { return }
        switch event.content {
        case .redaction(let inContent):
            if let redacts = event.redacts ?? inContent {
                // Who redacted matters: a moderator removing a message is not its author
                // withdrawing a request.
                await host.redacted(network: network, eventID: redacts, by: Identity(network: network, id: sender))
            }
        case .encrypted:
            // Clients make new DMs encrypted by default; the bot cannot read them yet. A
            // person writing there is met in an unencrypted DM; a group room gets a notice.
            if isDirect(roomID, for: sender), rooms[roomID]?.isPrivate(for: sender, me: me) == true {
                await continueUnencrypted(Identity(network: network, id: sender))
            } else {
                await noticeEncrypted(roomID)
            }
        case .message(let content):
            // An edit never makes a second request; notices are bots talking.
            guard content.relation != "m.replace",
                  let msgtype = content.msgtype, msgtype == "m.text" || msgtype == "m.emote",
                  let body = content.body,
                  !settings.ignore.contains(where: { $0.lowercased() == sender.lowercased() }) else { return }
            let direct = isDirect(roomID, for: sender)
            let place: Place = direct ? .direct : .channel(await key(roomID))
            let message = IncomingMessage(sender: Identity(network: network, id: sender),
                                          displayName: displayName(sender, in: roomID), place: place,
                                          text: Self.stripReplyFallback(body), isAction: msgtype == "m.emote", verified: true,
                                          botNick: settings.botName, mentionsBot: content.mentions.contains(me),
                                          listensToQuestions: settings.listensToQuestions, eventID: event.eventID)
            if direct, rooms[roomID]?.isPrivate(for: sender, me: me) == true {
                // Answer in the room the person wrote from, while it is theirs alone.
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
            try await sendText(roomID, "I can't read encrypted rooms yet, so I can't help here. Message me privately instead: I'll answer in an unencrypted chat.",
                               txn: "liaison-e2ee-\(Self.encode(roomID))")
            _ = await host.setNetworkState(network: network, key: key, value: "yes")
        } catch {
            logger.warning("\(network): cannot post the encryption notice: \(error)")
        }
    }

    /// Someone wrote in an encrypted DM: open (or reuse) an unencrypted DM with them and say
    /// once, in one line, why to continue there. What they type there is handled as usual.
    func continueUnencrypted(_ person: Identity) async {
        let key = "e2ee-moved:\(person.raw)"
        do {
            let room = try await directRoom(with: person)
            guard await host.networkState(network: network, key: key) != room else { return }
            try await sendText(room, "Hi! I can't read end-to-end encrypted chats yet, so I opened this unencrypted one: write to me here (\"help\" lists what I can do, \"optin\" makes you a member).",
                               txn: "liaison-e2ee-dm-\(Self.encode(room))")
            _ = await host.setNetworkState(network: network, key: key, value: room)
        } catch {
            logger.warning("\(network): cannot open an unencrypted chat with \(person.id): \(error)")
        }
    }

    /// Invitations: from users on `invite_from` servers, or from admins. Others are declined.
    func invited(_ roomID: String, _ room: MatrixSync.Invited) async {
        let invite = room.inviteState.events.first { $0.isMembership(of: me) }
        guard let inviter = invite?.sender else { return }
        let server = inviter.split(separator: ":", maxSplits: 1).last.map(String.init) ?? ""
        var allowed = settings.inviteFrom.contains { $0.lowercased() == server.lowercased() }
        if !allowed {
            allowed = await host.invited(by: Identity(network: network, id: inviter), verified: true, network: network, channel: roomID)
        }
        do {
            if allowed {
                try await call(.POST, "/_matrix/client/v3/rooms/\(Self.encode(roomID))/join", body: [:])
                logger.info("\(network): joined \(roomID) on \(inviter)'s invitation")
                if invite?.member?.isDirect == true {
                    // Their DM with the bot: private replies to them go here while nobody
                    // else is in it (checked at every delivery).
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

    /// Rooms people share with the bot feed common ground and `asks-from channels`, by key.
    func reportMembership() async {
        var shared: [String: Set<String>] = [:]
        for (roomID, room) in rooms where !isPrivateKind(roomID) {
            let label = roomKeys[roomID] ?? roomID
            for userID in room.joined.keys where userID != me { shared[userID, default: []].insert(label) }
        }
        var everyone = Set(shared.keys)
        everyone.formUnion(reported.keys.map(\.id))
        for userID in everyone {
            let identity = Identity(network: network, id: userID)
            let channels = shared[userID] ?? []
            guard reported[identity] != channels else { continue }
            reported[identity] = channels
            await host.membership(identity, channels: channels)
        }
    }
}
