public import Foundation

extension Broker {
    /// A transport describes a network it serves, before its first message.
    public func register(_ profile: NetworkProfile) {
        profiles[profile.network] = profile
    }

    /// The network's profile; one no transport described is named by its network alone.
    public func profile(_ network: String) -> NetworkProfile {
        profiles[network] ?? .unknown(network)
    }

    /// A transport learned how its server folds identity IDs (its case rules).
    public func setCanonicalizer(network: String, _ fold: @escaping @Sendable (String) -> String) {
        var profile = profile(network)
        profile.fold = fold
        profiles[network] = profile
    }

    /// The identity as the network's transport spells it.
    public func canonical(_ id: Identity) -> Identity {
        guard let profile = profiles[id.network] else { return id }
        return Identity(network: id.network, id: profile.fold(id.id))
    }

    /// Admins are compared after folding both sides the network's way, so `[Boss]` in bot.conf
    /// is the account the server calls `{boss}` only where the server says they are the same.
    public func isAdmin(_ id: Identity) -> Bool {
        let me = canonical(id)
        return settings.admins.contains { canonical($0) == me }
    }

    /// Live channel membership reported by a transport; the console's is stored.
    public func setLiveChannels(_ identity: Identity, _ channels: Set<String>) {
        liveChannels[identity] = channels.isEmpty ? nil : Set(channels.map { $0.lowercased() })
    }

    public func resetLiveChannels(network: String) {
        liveChannels = liveChannels.filter { $0.key.network != network }
    }

    /// Channels the member is in, as "NETWORK CHANNEL" (a channel is only shared within its
    /// network): remembered ones (console) and live ones (other networks), over every
    /// identity linked to the member.
    func channels(of id: Identity, tx: any StoreTransaction) throws -> Set<String> {
        let member = try tx.member(of: id) ?? id
        var all = Set<String>()
        for identity in [member] + (try tx.linkedIdentities(of: member)) {
            for channel in try tx.channels(of: identity).union(liveChannels[identity] ?? []) {
                all.insert("\(identity.network) \(channel)")
            }
        }
        return all
    }

    /// `channels(of:tx:)` of each of `ids`, in three reads for all of them (links, linked
    /// identities, stored channels); those in no channel are left out.
    func channels(of ids: [Identity], tx: any StoreTransaction) throws -> [Identity: Set<String>] {
        channels(of: try tx.channelFacts(ids))
    }

    /// The channels of the requester and candidates a pool was read for.
    func channels(of pool: CandidatePool) -> [Identity: Set<String>] {
        channels(of: pool.channels)
    }

    /// The same from what the store remembers, with the live channels added.
    func channels(of facts: ChannelFacts) -> [Identity: Set<String>] {
        var out: [Identity: Set<String>] = [:]
        for id in facts.ids where out[id] == nil {
            let member = facts.memberOf[id] ?? id
            let linked = facts.linked[member]
            // Most candidates are in no remembered channel and linked to nothing.
            if linked == nil, facts.stored[member] == nil, liveChannels[member] == nil { continue }
            var all = Set<String>()
            for identity in [member] + (linked ?? []) {
                for channel in (facts.stored[identity] ?? []).union(liveChannels[identity] ?? []) {
                    all.insert("\(identity.network) \(channel)")
                }
            }
            if !all.isEmpty { out[id] = all }
        }
        return out
    }

    /// An identity bound to a connection is gone: its open requests end quietly.
    public func identityEnded(_ id: Identity, now: Date) {
        perform(replyTo: nil, now: now) { tx in
            for request in try tx.requests(of: id, status: .open) {
                try self.cancel(request, .requesterLeft, tx: tx, now: now)
            }
        }
    }

    /// The message that asked was redacted: its request is cancelled (SPEC: a redacted
    /// request is cancelled), quietly for the requester, with a note to pending experts.
    /// Only the requester's own redaction withdraws it: a moderator who removes the message
    /// (or anyone else who may redact in that room) does not speak for them.
    public func redacted(network: String, eventID: String, by: Identity, now: Date) {
        perform(replyTo: nil, now: now) { tx in
            // Only the requester's own redaction (from any identity of theirs) withdraws it.
            guard let request = try tx.request(sourceEvent: eventID), request.status == .open,
                  request.requester == (try tx.member(of: by) ?? by) else { return }
            try self.cancel(request, .requestDeleted, tx: tx, now: now)
        }
    }

    /// Kicked from a channel: remembered, so the bot does not rejoin until an admin says so.
    public func kicked(network: String, channel: String, now: Date) {
        perform(replyTo: nil, now: now) { tx in
            var setting = try tx.channelSetting(network: network, channel: channel)
                ?? ChannelSetting(network: network, channel: channel, joined: nil, quiet: false)
            setting.joined = false
            var change = AdminChanges(at: now)
            change.channelSettings = [setting]
            change.audit = [AuditNote(actor: Identity(network: network, id: "(server)"), action: "kicked from \(channel)")]
            try tx.changeAdmin(change)
        }
    }

    /// Invitations are followed only from admins; the join is persisted like `admin join`.
    public func invited(by id: Identity, verified: Bool, network: String, channel: String, now: Date) -> Bool {
        guard verified, isAdmin(id) else {
            log("warning: ignored an invitation to \(channel) from \(id), who is not an admin")
            return false
        }
        var accepted = false
        perform(replyTo: nil, now: now) { tx in
            var setting = try tx.channelSetting(network: network, channel: channel)
                ?? ChannelSetting(network: network, channel: channel, joined: nil, quiet: false)
            setting.joined = true
            var change = AdminChanges(at: now)
            change.channelSettings = [setting]
            change.audit = [AuditNote(actor: id, action: "invite to \(channel) on \(network)")]
            try tx.changeAdmin(change)
            accepted = true
        }
        return accepted
    }
}
