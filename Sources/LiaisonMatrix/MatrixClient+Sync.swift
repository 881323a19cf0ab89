import NIOCore
import NIOHTTP1
import Logging
import Foundation
import LiaisonCore
import ServiceLifecycle

extension MatrixClient {
    /// Only what the bot needs: messages, membership, redactions, encryption, names, and
    /// its own introduction-room marker.
    static let filter: String = {
        let filter: [String: Any] = [
            "presence": ["types": [String]()],
            "account_data": ["types": ["m.direct"]],
            "room": [
                "timeline": ["types": timelineTypes, "limit": 50],
                "state": ["types": ["m.room.member", "m.room.name", "m.room.canonical_alias", "m.room.encryption",
                                    MatrixRoom.introductionType, MatrixRoom.directType]],
                "ephemeral": ["types": [String]()],
                "account_data": ["types": [String]()],
            ],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: filter, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }()

    static let timelineTypes = ["m.room.message", "m.room.member", "m.room.encrypted", "m.room.redaction",
                                "m.room.name", "m.room.canonical_alias", "m.room.encryption",
                                MatrixRoom.introductionType, MatrixRoom.directType]

    static let timelineFilter: String = {
        let data = (try? JSONSerialization.data(withJSONObject: ["types": timelineTypes], options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }()

    /// Long-polls /sync. The position is saved after the events it covers were handled,
    /// and every message is handled at most once (its event ID is recorded in the same
    /// transaction as its effects), so a crash at any point neither replays nor skips.
    /// Graceful shutdown ends the long poll (and a wait to retry); an answer already in is
    /// handled first.
    func syncLoop() async {
        var backoff: TimeInterval = 0.5
        var since = await host.networkState(network: network, key: "since")
        let firstEver = since == nil
        if firstEver { logger.info("\(network): first sync of this account: no history is handled") }
        var joinedConfigured = false
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                // m.direct comes in a sync only when it changes: read it before anything
                // could write it, or a restart would replace every DM with the first new one.
                if !directLoaded { try await loadDirect() }
                var query = ["filter": Self.filter, "timeout": since == nil ? "0" : "30000"]
                if let since { query["since"] = since }
                // After a restart, members and names are not in memory: the first sync
                // brings the full state along with what happened since.
                if !joinedConfigured, since != nil { query["full_state"] = "true" }
                let poll = query
                let response = try await cancelWhenGracefulShutdown {
                    try await self.call(.GET, "/_matrix/client/v3/sync", query: poll, timeout: .seconds(60), as: MatrixSync.self)
                }
                guard let next = response.nextBatch else { throw MatrixError.badResponse("sync without next_batch") }
                await process(response, since: since)
                guard await host.setNetworkState(network: network, key: "since", value: next) else { continue }
                if since == nil || !joinedConfigured {
                    joinedConfigured = true
                    stateLoaded = true
                    await joinConfiguredRooms()
                    wake.signal()
                }
                since = next
                backoff = 0.5
                await host.connectionChanged(network: network, up: true)
            } catch is CancellationError {
                return
            } catch where Task.isShuttingDownGracefully || Task.isCancelled {
                // The long poll was ended for the shutdown.
                return
            } catch {
                // A stopped homeserver is waited for, not crashed on.
                logger.warning("\(network): sync failed: \(error); retrying in \(String(format: "%.1f", backoff)) s")
                await host.connectionChanged(network: network, up: false)
                await pause(backoff)
                backoff = min(backoff * 2, 30)
            }
        }
    }

    func joinConfiguredRooms() async {
        let configured = await host.channelsToJoin(network: network, configured: settings.rooms)
        for room in configured {
            do {
                let response = try await call(.POST, "/_matrix/client/v3/join/\(Self.encode(room))", body: [:])
                if let id = response.roomID { bind(room, to: id) }
                logger.info("\(network): joined \(room)")
            } catch {
                logger.warning("\(network): cannot join \(room): \(error)")
            }
        }
    }

    /// The homeserver resolved `alias` to `roomID` (a join by alias, the directory): the room
    /// is known to the host by that alias from now on.
    func bind(_ alias: String, to roomID: String) {
        guard alias.hasPrefix("#"), alias != roomID else { return }
        if let old = roomKeys[roomID], old.hasPrefix("#"), aliasRooms[old] == roomID, old != alias { return }
        roomKeys[roomID] = alias
        aliasRooms[alias] = roomID
    }

    /// The room's key for the host: a confirmed alias, else the room ID. A canonical alias
    /// the room claims is asked of the directory once; a name never counts.
    func key(_ roomID: String) async -> String {
        if let key = roomKeys[roomID] { return key }
        if let claimed = rooms[roomID]?.claimedAlias, checkedAliases[roomID] != claimed {
            checkedAliases[roomID] = claimed
            if Self.isPlainAlias(claimed),
               let answer = try? await call(.GET, "/_matrix/client/v3/directory/room/\(Self.encode(claimed))", timeout: .seconds(10)),
               answer.roomID == roomID, aliasRooms[claimed] == nil || aliasRooms[claimed] == roomID {
                bind(claimed, to: roomID)
                return claimed
            }
        }
        return roomID
    }

    static func isPlainAlias(_ alias: String) -> Bool {
        alias.hasPrefix("#") && alias.contains(":") && alias.utf8.count <= 255
            && alias.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value != 0x7F && !$0.properties.isWhitespace }
    }

    /// Handles one sync answer: what it says about rooms and `m.direct` is recorded, and
    /// messages are reported to the host (none on the first sync of an account: `since` nil).
    func process(_ sync: MatrixSync, since: String?) async {
        let handleMessages = since != nil
        if sync.skipped > 0 { logger.warning("\(network): \(sync.skipped) events in a sync could not be read; skipped") }
        for event in sync.accountData.events {
            if case .directRooms(let rooms) = event.content {
                direct = rooms
                directLoaded = true
            }
        }
        for (roomID, room) in sync.invite {
            await invited(roomID, room)
        }
        for (roomID, room) in sync.leave {
            let removal = room.timeline.events.events.last { $0.isMembership(of: me) }
            if let sender = removal?.sender, sender != me {
                // Kicked or banned: stay out until an admin says `admin join`.
                let key = await key(roomID)
                logger.warning("\(network): removed from \(key) by \(sender)")
                await host.kicked(network: network, channel: key)
            }
            rooms[roomID] = nil
        }
        for (roomID, room) in sync.join {
            for event in room.state.events {
                rooms[roomID, default: MatrixRoom()].apply(event, me: me)
            }
            let timeline = room.timeline.events.events
            // More happened than one sync carries (many messages, or the bot was down):
            // fetch the gap, so every message is handled once (SPEC §4).
            var missed: [MatrixEvent] = []
            if handleMessages, room.timeline.limited, let from = room.timeline.prevBatch, let since {
                missed = await backfill(roomID, from: from, to: since)
            }
            // A room the bot joined in this window comes with history: handle only what
            // follows the bot's own join.
            let all = missed + timeline
            let joinedAt = all.lastIndex { $0.isMembership(of: me, "join") }
            _ = await key(roomID)
            for (index, event) in all.enumerated() {
                // The state block is the state where the timeline starts: back-filled events
                // are older, so only the timeline's own state changes apply.
                if index >= missed.count { rooms[roomID, default: MatrixRoom()].apply(event, me: me) }
                if handleMessages, joinedAt.map({ index > $0 }) ?? true { await handle(roomID, event) }
            }
        }
        await reportMembership()
    }

    /// The events between the previous sync position and the start of a limited timeline,
    /// oldest first, at most `backfillLimit` of them (the newest; older ones are logged as lost).
    func backfill(_ roomID: String, from: String, to: String) async -> [MatrixEvent] {
        var events: [MatrixEvent] = []
        var token = from
        do {
            while events.count < Self.backfillLimit {
                let page = try await call(.GET, "/_matrix/client/v3/rooms/\(Self.encode(roomID))/messages",
                                          query: ["dir": "b", "from": token, "to": to, "limit": "100", "filter": Self.timelineFilter])
                let chunk = page.chunk.events
                events.append(contentsOf: chunk)
                guard !chunk.isEmpty, let end = page.end, end != token else { return events.reversed() }
                token = end
            }
            logger.warning("\(network): more than \(Self.backfillLimit) events missed in \(roomID); older ones are not handled")
        } catch {
            logger.warning("\(network): cannot fetch the messages missed in \(roomID): \(error)")
        }
        return events.reversed()
    }

    static let backfillLimit = 1000

    /// `m.direct` as written by any client: user ID -> room IDs, anything else dropped.
    static func directContent(_ content: JSONValue?) -> [String: [String]] {
        MatrixEvent.directRooms(content)
    }

    /// The bot's `m.direct` as stored now. An answer that is not a JSON object is a failure,
    /// not an empty list: what is written next is built on what was read.
    func readDirect() async throws -> [String: [String]] {
        let content = try await call(.GET, "/_matrix/client/v3/user/\(Self.encode(me))/account_data/m.direct",
                                     as: [String: JSONValue].self)
        return Self.directContent(.object(content))
    }

    func loadDirect() async throws {
        do {
            direct = try await readDirect()
        } catch let error as MatrixError where error.status == 404 {
            direct = [:]
        }
        directLoaded = true
    }
}
