public import Foundation

// Loads and applies of the directory's operations: links, erasures, bans and aliases
// (docs/STORE-PROTOCOL.md §2.4), built on the row methods like the others.

extension StoreTransaction {
    // MARK: Loads

    /// An identity with its links, row and ban.
    public func linkContext(_ id: Identity) throws -> LinkContext {
        LinkContext(identity: id, memberOf: try member(of: id), linked: try linkedIdentities(of: id),
                    person: try person(id), version: RowVersion(try versions(ofMembers: [id])[id]), banned: try isBanned(id))
    }

    /// Whether any row refers to one of `ids`.
    public func storesAnything(about ids: [Identity]) throws -> Bool {
        try ids.contains { try !dataReferring(to: $0).isEmpty }
    }

    // MARK: Applies

    /// A link change, all of it or nothing. Returns the topics that moved, by the member they
    /// now belong to.
    @discardableResult
    public func relink(_ change: LinkChange) throws -> [Identity: [Topic]] {
        try check(change.guards)
        var moved: [Identity: [Topic]] = [:]
        for step in change.steps {
            switch step {
            case .issueCode(let code, let issuer, let network, let expiresAt):
                try saveLinkCode(code, issuer: issuer, network: network, expiresAt: expiresAt)
            case .dropCodes(let issuer):
                try deleteLinkCodes(issuer: issuer)
            case .merge(let alias, let member, let person):
                try savePerson(person)
                if alias != member { try deletePerson(alias) }
                moved[member, default: []] += try rekey(from: alias, to: member)
                try link(alias, to: member, at: change.at)
            case .unlink(let id):
                try unlink(id)
            case .handOver(let member, let heir, let person):
                try unlink(heir)
                try repointLinks(from: member, to: heir)
                if var person {
                    person.identity = heir
                    try deletePerson(member)
                    try savePerson(person)
                }
                moved[heir, default: []] += try rekey(from: member, to: heir)
            }
        }
        try appendAudit(change.audit, at: change.at)
        for message in change.messages { try enqueue(message.draft, at: change.at) }
        return moved
    }

    /// An erasure, all of it or nothing.
    public func erase(_ erasure: Erasure) throws {
        try check(erasure.guards)
        for id in erasure.identities { try forget(id) }
        try appendAudit(erasure.audit, at: erasure.at)
    }

    /// An event's stamp. Returns false, writing nothing, for an event handled before.
    public func stamp(_ event: EventStamp) throws -> Bool {
        if let eventID = event.eventID, try !markSeen(network: event.network, eventID: eventID, at: event.at) { return false }
        if var known = try person(event.sender), known.displayName != event.displayName {
            known.displayName = event.displayName
            try savePerson(known)
        }
        if let channel = event.consoleChannel { try recordChannelMember(event.sender, channel: channel) }
        return true
    }

    /// Messages alone: a reply that changes nothing else.
    public func reply(_ messages: [QueuedMessage], at: Date) throws {
        for message in messages { try enqueue(message.draft, at: at) }
    }

    func appendAudit(_ notes: [AuditNote], at: Date) throws {
        for note in notes { try appendAudit(actor: note.actor, action: note.action, subject: note.subject, at: at) }
    }
}
