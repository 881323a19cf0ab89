import NIOHTTP1
import Logging
import Foundation
import LiaisonCore
import ServiceLifecycle

extension MatrixClient {
    /// Delivers committed messages as they come, retrying failures with backoff; a send's
    /// transaction ID comes from its outbox entry, so a retry never posts twice. On graceful
    /// shutdown no new delivery starts, and those under way get up to 3 s (SPEC §8): then
    /// they are cancelled, and what they had not sent stays in the outbox.
    func deliveryLoop() async {
        let wakes = wake.makeStream()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.deliverUntilShutdown(wakes) }
            group.addTask {
                guard (try? await gracefulShutdown()) != nil else { return }
                self.wake.signal()
                try? await self.clock.sleep(for: .seconds(3))
            }
            // Without news, look again every 2 s for retries that are due.
            group.addTask {
                while (try? await self.clock.sleep(for: .seconds(2))) != nil { self.wake.signal() }
            }
            // The first to end: the deliveries (all done after shutdown), or the 3 s.
            _ = await group.next()
            group.cancelAll()
        }
    }

    /// Starts each destination's deliveries as a child task whenever woken, until graceful
    /// shutdown; returns when the deliveries under way are done.
    func deliverUntilShutdown(_ wakes: AsyncStream<Void>) async {
        await withDiscardingTaskGroup { lanes in
            var iterator = wakes.makeAsyncIterator()
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                for (lane, entries) in await dueLanes() where !Task.isShuttingDownGracefully {
                    busyLanes.insert(lane)
                    lanes.addTask { await self.deliverLane(lane, entries) }
                }
                // Woken by new messages, by a lane that finished, by the 2 s look, or by shutdown.
                guard await iterator.next() != nil else { break }
            }
        }
    }

    /// Where an entry goes: entries for one destination keep their order; destinations do
    /// not wait for each other.
    static func lane(_ entry: OutboxEntry) -> String {
        switch (entry.kind, entry.target) {
        case (.introduction, _): "introduction \(entry.id)"
        case (_, .person(let id)): "person \(id.raw)"
        case (_, .channel(_, let name)): "room \(name)"
        }
    }

    /// What to deliver now, by destination: none for a destination with a delivery under way.
    func dueLanes() async -> [(String, [OutboxEntry])] {
        // Before the first sync nobody's rooms are known, so nobody's privacy can be checked.
        guard accessToken != nil, stateLoaded else { return [] }
        var lanes: [(String, [OutboxEntry])] = []
        var index: [String: Int] = [:]
        for entry in await host.outbox(network: network) {
            let lane = Self.lane(entry)
            guard !busyLanes.contains(lane) else { continue }
            if let i = index[lane] { lanes[i].1.append(entry) } else {
                index[lane] = lanes.count
                lanes.append((lane, [entry]))
            }
        }
        return lanes
    }

    /// One destination's entries in order; the first that cannot go yet holds back the
    /// ones after it (an offer's withdrawal never arrives before the offer).
    func deliverLane(_ lane: String, _ entries: [OutboxEntry]) async {
        var progressed = false
        defer {
            busyLanes.remove(lane)
            // More may have been committed for this destination meanwhile.
            if progressed { wake.signal() }
        }
        for entry in entries {
            if let at = retryAt[entry.id], at > now() { return }
            do {
                try await deliver(entry)
                retryAt[entry.id] = nil
                attempts[entry.id] = nil
                await host.delivered([entry.id])
                progressed = true
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
                retryAt[entry.id] = now().addingTimeInterval(min(pow(2, Double(n)), 300))
                logger.warning("\(network): delivery failed (attempt \(n)), will retry: \(error)")
                return
            }
        }
    }

    func deliver(_ entry: OutboxEntry) async throws {
        switch entry.kind {
        case .join:
            if case .channel(_, let room) = entry.target {
                let response = try await call(.POST, "/_matrix/client/v3/join/\(Self.encode(room))", body: [:])
                if let id = response.roomID { bind(room, to: id) }
            }
        case .part:
            if case .channel(_, let room) = entry.target {
                let roomID = try await resolve(room)
                try await call(.POST, "/_matrix/client/v3/rooms/\(Self.encode(roomID))/leave", body: [:])
                rooms[roomID] = nil
            }
        case .message:
            let roomID: String
            switch entry.target {
            case .channel(_, let label): roomID = try await resolve(label)
            case .person(let id): roomID = try await directRoom(with: id)
            }
            // Transaction ids are per access token and forever: the id alone would repeat
            // after a restored backup, and the homeserver would swallow the new message.
            try await sendText(roomID, entry.text, txn: "liaison-\(entry.deliveryKey)")
        case .introduction:
            guard case .person(let requester) = entry.target, let expert = entry.other else { return }
            let roomID = try await introductionRoom(entry.deliveryKey, requester.id, expert.id)
            try await sendText(roomID, entry.text, txn: "liaison-\(entry.deliveryKey)")
        }
    }

    /// `m.room.message` with a plain body and HTML with mention pills, in as many events as
    /// the size limit needs (each part has its own transaction ID, derived from `txn`).
    func sendText(_ roomID: String, _ text: String, txn: String) async throws {
        for (i, part) in MatrixText.split(text).enumerated() {
            let id = i == 0 ? txn : "\(txn).\(i)"
            let sent = try await call(.PUT, "/_matrix/client/v3/rooms/\(Self.encode(roomID))/send/m.room.message/\(Self.encode(id))",
                                      body: MatrixText.content(part))
            // Only an event ID proves the message is in the room; without one, retry (the
            // same transaction ID, so the homeserver never posts it twice).
            guard sent.eventID != nil else { throw MatrixError.badResponse("send without event_id") }
        }
    }

    /// A room's key back to its ID: IDs pass through; an alias is what the homeserver
    /// resolved it to (never a room that merely calls itself that).
    func resolve(_ room: String) async throws -> String {
        guard room.hasPrefix("#") else { return room }
        if let id = aliasRooms[room] { return id }
        let response = try await call(.GET, "/_matrix/client/v3/directory/room/\(Self.encode(room))")
        guard let id = response.roomID else { throw MatrixError.badResponse("no room for \(room)") }
        bind(room, to: id)
        return id
    }
}
