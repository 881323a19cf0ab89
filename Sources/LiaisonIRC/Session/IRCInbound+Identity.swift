import Foundation
import LiaisonCore

/// Who a nick is (SPEC §1), and who is in which channel, told to the host only on change.
extension IRCInbound {
    /// The identity behind a nick (SPEC §1): the services account, or on `identity = nick`
    /// networks the nick. A nick without an account is bound to its connection, unverified.
    func identity(of nick: String, tagAccount: String?, now: Date) -> (Identity, Bool) {
        let u = users.user(nick)
        if settings.identityByNick {
            return (Identity(network: settings.network, id: users.fold(nick)), true)
        }
        // With account-tag every message says who is logged in: no tag means nobody. Without
        // it, a remembered account counts only where the bot would have seen it end: a
        // shared channel with account-notify, or a server confirmation moments ago.
        let account: String
        if session.has("account-tag") {
            account = tagAccount.map { $0 == "*" ? "" : $0 } ?? ""
        } else if let u, let known = u.account, !known.isEmpty,
                  (!u.channels.isEmpty && session.has("account-notify"))
                    || u.confirmed.map({ now.timeIntervalSince($0) < 5 }) == true {
            account = known
        } else {
            account = ""
        }
        if !account.isEmpty {
            return (Identity(network: settings.network, id: users.fold(account)), true)
        }
        let mask = "\(users.fold(nick))!\(u?.user ?? "")@\(u?.host ?? "")"
        return (Identity(network: settings.network, id: mask), false)
    }

    /// Who a user in a shared channel is, for membership: there the bot sees JOIN
    /// (extended-join), ACCOUNT and QUIT, so the remembered account holds.
    func memberIdentity(_ u: IRCUsers.User) -> Identity {
        if settings.identityByNick { return Identity(network: settings.network, id: users.fold(u.nick)) }
        if let account = u.account, !account.isEmpty { return Identity(network: settings.network, id: users.fold(account)) }
        return Identity(network: settings.network, id: "\(users.fold(u.nick))!\(u.user ?? "")@\(u.host ?? "")")
    }

    mutating func report(_ nick: String) -> [InboundAction] {
        guard let u = users.user(nick) else { return [] }
        let identity = memberIdentity(u)
        let channels = Set(u.channels.map(users.channelName))
        guard reported[identity] != channels else { return [] }
        reported[identity] = channels
        return [.membership(identity, channels: channels)]
    }

    mutating func reportChannel(_ channel: String) -> [InboundAction] {
        let key = users.fold(channel)
        let nicks = users.users.values.filter { $0.channels.contains(key) }.map(\.nick)
        return nicks.flatMap { report($0) }
    }

    mutating func reportAll() -> [InboundAction] {
        let nicks = users.users.values.map(\.nick)
        var actions = nicks.flatMap { report($0) }
        for (identity, channels) in reported where !channels.isEmpty {
            let stillThere = users.users.values.contains { memberIdentity($0) == identity }
            if !stillThere {
                reported[identity] = []
                actions.append(.membership(identity, channels: []))
            }
        }
        return actions
    }

    mutating func reportGone(_ user: IRCUsers.User) -> [InboundAction] {
        let identity: Identity
        if settings.identityByNick {
            identity = Identity(network: settings.network, id: users.fold(user.nick))
        } else if let account = user.account, !account.isEmpty {
            identity = Identity(network: settings.network, id: users.fold(account))
            if !users.nicks(loggedInTo: account).isEmpty { return [] }
        } else {
            // Without an account the identity is the connection: it is in no channel now.
            identity = memberIdentity(user)
        }
        guard reported[identity] != nil else { return [] }
        reported[identity] = nil
        return [.membership(identity, channels: [])]
    }

    /// A user without an account left or changed nick: their connection-bound identity ends.
    func ended(_ user: IRCUsers.User) -> [InboundAction] {
        guard !settings.identityByNick, user.account?.isEmpty ?? true else { return [] }
        let mask = "\(users.fold(user.nick))!\(user.user ?? "")@\(user.host ?? "")"
        return [.identityEnded(Identity(network: settings.network, id: mask))]
    }
}
