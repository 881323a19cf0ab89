public import Foundation

public enum RequestStatus: String, Sendable, Codable {
    /// Looking for experts (also a standing request after every offer lapsed).
    case open
    /// `intros_per_request` introductions were made.
    case fulfilled
    case cancelled
    case expired
}

/// A request for an introduction. Its id is the number people type (`cancel 3`).
public struct Request: Sendable, Equatable, Codable {
    public var id: Int64
    public var requester: Identity
    public var topic: String
    public var key: String
    /// The requester's own words.
    public var originalText: String
    /// The channel it was asked in, nil for a private message.
    public var channel: String?
    public var status: RequestStatus
    public var createdAt: Date
    public var expiresAt: Date
    /// The requester was told nobody was available; not repeated until someone new is offered.
    public var nobodyNotified: Bool
    /// When to ask the requester whether the introduction helped; nil once asked or before any.
    public var followupAt: Date?
    /// When to tell the requester that nobody was available, if that is still true then:
    /// the moment the offers would have lapsed anyway, so that a decline or a block is never
    /// seen in the timing of that notice (SPEC §3.3).
    public var nobodyDueAt: Date?

    public init(id: Int64, requester: Identity, topic: String, key: String, originalText: String,
                channel: String?, status: RequestStatus, createdAt: Date, expiresAt: Date,
                nobodyNotified: Bool = false, followupAt: Date? = nil, nobodyDueAt: Date? = nil) {
        self.id = id
        self.requester = requester
        self.topic = topic
        self.key = key
        self.originalText = originalText
        self.channel = channel
        self.status = status
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.nobodyNotified = nobodyNotified
        self.followupAt = followupAt
        self.nobodyDueAt = nobodyDueAt
    }
}

public enum OfferStatus: String, Sendable, Codable {
    case pending, accepted, declined, expired, withdrawn
}

/// A private question to one expert about one request; answered with the request id.
public struct Offer: Sendable, Equatable, Codable {
    public var requestID: Int64
    public var expert: Identity
    public var status: OfferStatus
    public var createdAt: Date
    public var expiresAt: Date
    public var answeredAt: Date?

    public init(requestID: Int64, expert: Identity, status: OfferStatus, createdAt: Date, expiresAt: Date,
                answeredAt: Date? = nil) {
        self.requestID = requestID
        self.expert = expert
        self.status = status
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.answeredAt = answeredAt
    }
}

/// Two people introduced on a request.
public struct Introduction: Sendable, Equatable, Codable {
    public var id: Int64
    public var requestID: Int64
    public var requester: Identity
    public var expert: Identity
    public var topic: String
    public var createdAt: Date
    public var thankedAt: Date?

    public init(id: Int64, requestID: Int64, requester: Identity, expert: Identity, topic: String,
                createdAt: Date, thankedAt: Date? = nil) {
        self.id = id
        self.requestID = requestID
        self.requester = requester
        self.expert = expert
        self.topic = topic
        self.createdAt = createdAt
        self.thankedAt = thankedAt
    }
}
