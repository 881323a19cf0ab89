import Foundation
import LiaisonCore

extension MatrixClient {
    /// Delivers committed messages as they come, retrying failures with backoff; a send's
    /// transaction ID comes from its outbox entry, so a retry never posts twice.
    func deliveryLoop() async {
        let wakes = wake.makeStream()
        var iterator = wakes.makeAsyncIterator()
        while !Task.isCancelled {
            await deliverOutbox()
            if stopping { return }
            // Woken by new messages; otherwise look again soon for retries.
            let timer = Task { try? await Task.sleep(for: .seconds(2)); self.wake.signal() }
            _ = await iterator.next()
            timer.cancel()
        }
    }

    func deliverOutbox() async {
        guard accessToken != nil else { return }
        for entry in await host.outbox(network: network) {
            if let at = retryAt[entry.id], at > Date() { continue }
            do {
                try await deliver(entry)
                retryAt[entry.id] = nil
                attempts[entry.id] = nil
                await host.delivered([entry.id])
            } catch is CancellationError {
                return
            } catch let error as MatrixError where (error.status.map { (400..<500).contains($0) } ?? false) && (attempts[entry.id] ?? 0) >= 5 {
                // Refused again and again (no such user, forbidden): retrying cannot help.
                logger.error("\(network): giving up on a message after \(attempts[entry.id] ?? 0) refusals: \(error)")
                retryAt[entry.id] = nil
                attempts[entry.id] = nil
                await host.delivered([entry.id])
            } catch {
                let n = (attempts[entry.id] ?? 0) + 1
                attempts[entry.id] = n
                retryAt[entry.id] = Date().addingTimeInterval(min(pow(2, Double(n)), 300))
                logger.warning("\(network): delivery failed (attempt \(n)), will retry: \(error)")
                if stopping { return }
            }
        }
    }

    func deliver(_ entry: OutboxEntry) async throws {
        switch entry.kind {
        case .join:
            if case .channel(_, let room) = entry.target {
                try await call(.POST, "/_matrix/client/v3/join/\(Self.encode(room))", body: [:])
            }
        case .part:
            if case .channel(_, let room) = entry.target {
                let roomID = try await resolve(room)
                try await call(.POST, "/_matrix/client/v3/rooms/\(Self.encode(roomID))/leave", body: [:])
                members[roomID] = nil
            }
        case .message:
            let roomID: String
            switch entry.target {
            case .channel(_, let label): roomID = try await resolve(channelRooms[label] ?? label)
            case .person(let id): roomID = try await directRoom(with: id)
            }
            try await sendText(roomID, entry.text, txn: "liaison-\(entry.id)")
        case .introduction:
            guard case .person(let requester) = entry.target, let expert = entry.other else { return }
            let roomID = try await introductionRoom(entry.id, requester.id, expert.id)
            try await sendText(roomID, entry.text, txn: "liaison-\(entry.id)")
        }
    }

    /// `m.room.message` with a plain body and HTML with mention pills.
    func sendText(_ roomID: String, _ text: String, txn: String) async throws {
        let (html, mentioned) = MatrixHTML.format(text)
        let body: [String: Any] = [
            "msgtype": "m.text",
            "body": text,
            "format": "org.matrix.custom.html",
            "formatted_body": html,
            "m.mentions": ["user_ids": mentioned],
        ]
        let sent = try await call(.PUT, "/_matrix/client/v3/rooms/\(Self.encode(roomID))/send/m.room.message/\(Self.encode(txn))", body: body)
        // Only an event ID proves the message is in the room; without one, retry (the same
        // transaction ID, so the homeserver never posts it twice).
        guard sent["event_id"] is String else { throw MatrixError.badResponse("send without event_id") }
    }

    /// A room alias to its ID; IDs pass through.
    func resolve(_ room: String) async throws -> String {
        guard room.hasPrefix("#") else { return room }
        if let id = members.keys.first(where: { roomLabels[$0] == room }) { return id }
        let response = try await call(.GET, "/_matrix/client/v3/directory/room/\(Self.encode(room))")
        guard let id = response["room_id"] as? String else { throw MatrixError.badResponse("no room for \(room)") }
        return id
    }

    /// The direct room with a person: remembered, or from `m.direct`, or created (and then
    /// written to `m.direct`, so the person's client shows it as a DM too).
    func directRoom(with id: Identity) async throws -> String {
        let key = "dm:\(id.raw)"
        if let room = await host.networkState(network: network, key: key), members[room] != nil || members.isEmpty {
            return room
        }
        if let room = direct[id.id]?.first(where: { members[$0]?[me] != nil }) {
            _ = await host.setNetworkState(network: network, key: key, value: room)
            return room
        }
        let response = try await call(.POST, "/_matrix/client/v3/createRoom", body: [
            "preset": "trusted_private_chat", "is_direct": true, "invite": [id.id],
        ])
        guard let room = response["room_id"] as? String else { throw MatrixError.badResponse("createRoom without room_id") }
        _ = await host.setNetworkState(network: network, key: key, value: room)
        members[room, default: [:]][me] = settings.botName
        await addDirect(id.id, room)
        logger.info("\(network): created a direct room with \(id.id)")
        return room
    }

    /// Records a DM in `m.direct` account data, so it is known as one after a restart and
    /// in the bot's own clients.
    func addDirect(_ userID: String, _ room: String) async {
        guard direct[userID]?.contains(room) != true else { return }
        direct[userID, default: []].append(room)
        do {
            try await call(.PUT, "/_matrix/client/v3/user/\(Self.encode(me))/account_data/m.direct", body: direct)
        } catch {
            logger.warning("\(network): cannot update m.direct: \(error)")
        }
    }

    /// The introduction's own room, exactly once: it is recorded as pending before
    /// createRoom, and carries a state event with the outbox id, so after a crash between
    /// the two it is found again (from /sync state) instead of created a second time.
    func introductionRoom(_ entryID: Int64, _ requester: String, _ expert: String) async throws -> String {
        let key = "introroom:\(entryID)"
        let recorded = await host.networkState(network: network, key: key)
        if let recorded, recorded != "pending" { return recorded }
        if let found = introRooms[entryID] {
            _ = await host.setNetworkState(network: network, key: key, value: found)
            return found
        }
        if recorded == "pending", let found = try await findIntroductionRoom(entryID) {
            _ = await host.setNetworkState(network: network, key: key, value: found)
            return found
        }
        guard await host.setNetworkState(network: network, key: key, value: "pending") else {
            throw MatrixError.badResponse("cannot record the introduction room before creating it")
        }
        let response = try await call(.POST, "/_matrix/client/v3/createRoom", body: [
            "preset": "private_chat",
            "name": "Liaison introduction",
            "topic": "An introduction made by Liaison",
            "invite": [requester, expert],
            "initial_state": [["type": Self.introductionStateType, "state_key": "", "content": ["outbox": entryID]]],
        ])
        guard let room = response["room_id"] as? String else { throw MatrixError.badResponse("createRoom without room_id") }
        introRooms[entryID] = room
        _ = await host.setNetworkState(network: network, key: key, value: room)
        logger.info("\(network): created introduction room \(room)")
        return room
    }

    /// After a crash: the rooms the bot is in, checked for the introduction marker.
    func findIntroductionRoom(_ entryID: Int64) async throws -> String? {
        let joined = try await call(.GET, "/_matrix/client/v3/joined_rooms")
        for room in joined["joined_rooms"] as? [String] ?? [] {
            let path = "/_matrix/client/v3/rooms/\(Self.encode(room))/state/\(Self.introductionStateType)/"
            if let content = try? await call(.GET, path),
               (content["outbox"] as? Int).map(Int64.init) == entryID {
                return room
            }
        }
        return nil
    }
}
