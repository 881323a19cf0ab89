import Foundation
import LiaisonCore

/// Who is in which channel, told to the host only on change; and people showing themselves
/// again, which lets their waiting mail be read.
extension IRCClient {
    func report(_ nick: String) async {
        guard let u = users.user(nick) else { return }
        let identity = memberIdentity(u)
        let channels = Set(u.channels.map(users.channelName))
        guard reported[identity] != channels else { return }
        reported[identity] = channels
        await host.membership(identity, channels: channels)
    }

    func reportChannel(_ channel: String) async {
        let key = users.fold(channel)
        for u in users.users.values where u.channels.contains(key) { await report(u.nick) }
    }

    func reportAll() async {
        for u in users.users.values { await report(u.nick) }
        for (identity, channels) in reported where !channels.isEmpty {
            let stillThere = users.users.values.contains { self.memberIdentity($0) == identity }
            if !stillThere {
                reported[identity] = []
                await host.membership(identity, channels: [])
            }
        }
    }

    func reportGone(_ user: IRCUsers.User) async {
        let identity: Identity
        if settings.identityByNick {
            identity = Identity(network: settings.network, id: users.fold(user.nick))
        } else if let account = user.account, !account.isEmpty {
            identity = Identity(network: settings.network, id: users.fold(account))
            if !users.nicks(loggedInTo: account).isEmpty { return }
        } else {
            // Without an account the identity is the connection: it is in no channel now.
            identity = memberIdentity(user)
        }
        guard reported[identity] != nil else { return }
        reported[identity] = nil
        await host.membership(identity, channels: [])
    }

    /// A nick showed itself: it exists again (401 or an empty WHO may have said otherwise),
    /// and mail for whoever it is now may be deliverable (or, if they are still away, is
    /// held again when routed).
    func seen(_ nick: String) {
        absent.remove(users.fold(nick))
        guard !waiting.isEmpty || !heldAway.isEmpty, let u = users.user(nick) else { return }
        var targets: [Target] = [.person(memberIdentity(u)), .person(Identity(network: settings.network, id: users.fold(nick)))]
        if let account = u.account, !account.isEmpty {
            targets.append(.person(Identity(network: settings.network, id: users.fold(account))))
        }
        for target in targets {
            waiting.remove(target)
            heldAway.remove(target)
        }
    }

    /// A user without an account left or changed nick: their connection-bound identity ends.
    func ended(_ user: IRCUsers.User) async {
        guard !settings.identityByNick, user.account?.isEmpty ?? true else { return }
        let mask = "\(users.fold(user.nick))!\(user.user ?? "")@\(user.host ?? "")"
        await host.identityEnded(Identity(network: settings.network, id: mask))
    }
}
