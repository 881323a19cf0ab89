public import Foundation

// The loads of the read-only commands (docs/STORE-PROTOCOL.md §2.4 `report`): each reads what
// its reply says in one load, so that a backend can answer it in one round trip.

/// `requests`: the member's open requests, and the offers waiting for their answer.
public struct RequestsReport: Sendable {
    public struct Mine: Sendable {
        public var request: Request
        public var pendingOffers: Int
        public var introductions: Int
    }
    public struct Waiting: Sendable {
        public var request: Request
        public var requesterName: String?
    }
    public var mine: [Mine] = []
    public var waiting: [Waiting] = []
}

/// The requests whose requester a member blocked, with the requester's name while it is known.
public struct BlockedRequester: Sendable, Equatable {
    public var requestID: Int64
    public var requesterName: String?
}

/// `mydata`: every row that refers to a member's identities, and what the reply shows of them.
public struct StoredData: Sendable {
    public var identities: [Identity]
    /// Every stored row that refers to one of `identities`, by table.
    public var rows: [(table: String, row: String)]
    public var person: Person?
    public var topics: [Topic]
    public var channels: Set<String>
    public var requests: [Request]
    public var offers: [Offer]
    /// Introductions either way round, with the name of the other person while it is known.
    public var introductions: [(introduction: Introduction, otherName: String?)]
}

/// `admin members`: one member as listed.
public struct MemberListing: Sendable {
    public var person: Person
    public var topics: [Topic]
    public var banned: Bool
    public var linked: [Identity]
}

/// `admin requests`: one open request as listed.
public struct OpenRequestListing: Sendable {
    public var request: Request
    public var requesterName: String?
    /// Names (or ids) of those with a pending offer.
    public var pending: [String]
}

extension StoreTransaction {
    public func requestsReport(of member: Identity) throws -> RequestsReport {
        var report = RequestsReport()
        for request in try requests(of: member, status: .open) {
            report.mine.append(.init(request: request, pendingOffers: try offers(requestID: request.id).filter { $0.status == .pending }.count,
                                     introductions: try introductions(requestID: request.id).count))
        }
        for offer in try offers(expert: member, status: .pending) {
            guard let request = try request(offer.requestID) else { continue }
            report.waiting.append(.init(request: request, requesterName: try person(request.requester)?.displayName))
        }
        return report
    }

    public func blockedRequesters(blocker: Identity) throws -> [BlockedRequester] {
        try blockRequestIDs(blocker: blocker).map { id in
            BlockedRequester(requestID: id, requesterName: try request(id).flatMap { try person($0.requester)?.displayName })
        }
    }

    public func storedData(about member: Identity) throws -> StoredData {
        let identities = [member] + (try linkedIdentities(of: member))
        var rows: [(table: String, row: String)] = []
        var channels = Set<String>()
        for id in identities {
            rows += try dataReferring(to: id)
            channels.formUnion(try self.channels(of: id))
        }
        var introductions: [(introduction: Introduction, otherName: String?)] = []
        for intro in try self.introductions(involving: member) {
            let other = intro.requester == member ? intro.expert : intro.requester
            introductions.append((intro, try person(other)?.displayName))
        }
        return StoredData(identities: identities, rows: rows, person: try person(member), topics: try topics(of: member),
                          channels: channels, requests: try requests(of: member, status: nil),
                          offers: try offers(expert: member, status: nil), introductions: introductions)
    }

    public func memberList() throws -> [MemberListing] {
        try members(optedInOnly: false).map { person in
            MemberListing(person: person, topics: try topics(of: person.identity), banned: try isBanned(person.identity),
                          linked: try linkedIdentities(of: person.identity))
        }
    }

    public func openRequestList() throws -> [OpenRequestListing] {
        try requests(status: .open).map { request in
            var pending: [String] = []
            for offer in try offers(requestID: request.id) where offer.status == .pending {
                pending.append(try person(offer.expert)?.displayName ?? offer.expert.id)
            }
            return OpenRequestListing(request: request, requesterName: try person(request.requester)?.displayName, pending: pending)
        }
    }
}
