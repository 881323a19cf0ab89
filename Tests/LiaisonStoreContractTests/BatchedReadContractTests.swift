import Foundation
import LiaisonCore
import Testing

@Suite struct BatchedReadContractTests {
    /// An ask reads all its candidates in one query: the same people `person` gives, unknown ones left out.
    @Test(arguments: Backend.all)
    func peopleReadsTheKnownOnesInOneGo(_ backend: Backend) throws {
        try backend.withStore { store throws in
            try store.transaction { tx throws in
                for name in ["alice", "bob"] {
                    var p = Person(identity: .console(name), displayName: name, firstSeen: Date(timeIntervalSince1970: 1_000))
                    p.optedIn = name == "alice"
                    try tx.savePerson(p)
                }
                let found = try tx.people([.console("alice"), .console("bob"), .console("nobody")])
                #expect(Set(found.keys) == [.console("alice"), .console("bob")])
                #expect(found[.console("alice")] == (try tx.person(.console("alice"))))
                #expect(found[.console("bob")]?.optedIn == (try tx.person(.console("bob")))?.optedIn)
                #expect(try tx.people([]).isEmpty)
            }
        }
    }

    /// The per-candidate reads of an ask, for many at once: each gives, for every id, what its
    /// one-id read gives (links, bans and blocks across linked identities included).
    @Test(arguments: Backend.all)
    func batchedReadsGiveWhatTheOneIdReadsGive(_ backend: Backend) throws {
        try backend.withStore { store throws in
            let t0 = Date(timeIntervalSince1970: 1_000_000)
            let (a, b, c, c2, d, e, r, r2) = (Identity.console("a"), Identity.console("b"), Identity.console("c"),
                                             Identity(network: "libera", id: "c2"), Identity.console("d"),
                                             Identity(network: "libera", id: "e"), Identity.console("r"),
                                             Identity(network: "libera", id: "r2"))
            let unknown = Identity.console("nobody")
            try store.transaction { tx throws in
                try tx.link(c2, to: c, at: t0)
                try tx.link(r2, to: r, at: t0)
                try tx.recordChannelMember(a, channel: "#x")
                try tx.recordChannelMember(a, channel: "#y")
                try tx.recordChannelMember(c2, channel: "#z")
                try tx.recordChannelMember(c, channel: "#x")
                let request = try tx.createRequest(Request(id: 0, requester: r, topic: "rust", key: "rust", originalText: "ask rust",
                                                           channel: nil, status: .open, createdAt: t0, expiresAt: t0 + 86_400))
                let other = try tx.createRequest(Request(id: 0, requester: r2, topic: "go", key: "go", originalText: "ask go",
                                                         channel: nil, status: .open, createdAt: t0, expiresAt: t0 + 86_400))
                for (expert, at, id) in [(a, t0, request.id), (a, t0 - 30 * 86_400, other.id), (b, t0, request.id), (c, t0, other.id)] {
                    try tx.createOffer(Offer(requestID: id, expert: expert, status: .pending, createdAt: at, expiresAt: at + 3_600))
                }
                _ = try tx.createIntroduction(Introduction(id: 0, requestID: request.id, requester: r, expert: a, topic: "rust",
                                                           createdAt: t0, thankedAt: t0))
                _ = try tx.createIntroduction(Introduction(id: 0, requestID: other.id, requester: r2, expert: a, topic: "go",
                                                           createdAt: t0, thankedAt: t0))
                _ = try tx.createIntroduction(Introduction(id: 0, requestID: request.id, requester: r, expert: b, topic: "rust",
                                                           createdAt: t0))
                // a blocked r's other identity, e blocked someone else.
                _ = try tx.addBlock(blocker: a, blocked: r2, requestID: request.id, at: t0)
                _ = try tx.addBlock(blocker: e, blocked: b, requestID: request.id, at: t0)
            }
            let ids = [a, b, c, c2, d, e, r, r2, unknown, a]
            func check(_ tx: any StoreTransaction) throws {
                let sql = tx
                #expect(try sql.channels(of: ids) == (try Self.oneByOne(ids) { try tx.channels(of: $0).nonEmpty }))
                #expect(try sql.members(of: ids) == (try Self.oneByOne(ids) { try tx.member(of: $0) }))
                #expect(try sql.linkedIdentities(of: ids) == (try Self.oneByOne(ids) { try tx.linkedIdentities(of: $0).nonEmpty }))
                #expect(try sql.offerCounts(experts: ids, since: t0 - 7 * 86_400)
                        == (try Self.oneByOne(ids) { try tx.offerCount(expert: $0, since: t0 - 7 * 86_400).nonZero }))
                #expect(try sql.thanksCounts(experts: ids) == (try Self.oneByOne(ids) { try tx.thanksCount(expert: $0).nonZero }))
                for blocked in [r, r2, b, unknown] {
                    #expect(try sql.blockers(among: ids, blocking: blocked) == Set(try ids.filter { try tx.isBlocked(blocker: $0, blocked: blocked) }))
                }
                #expect(try sql.banned(among: ids) == Set(try ids.filter { try tx.isBanned($0) }))
                for empty in [[Identity](), [unknown]] {
                    #expect(try sql.channels(of: empty).isEmpty && sql.offerCounts(experts: empty, since: t0).isEmpty)
                    #expect(try sql.banned(among: empty).isEmpty && sql.blockers(among: empty, blocking: r).isEmpty)
                }
            }
            try store.transaction { tx throws in
                try check(tx)
                #expect(try tx.thanksCounts(experts: ids) == [a: 2])
                #expect(try tx.blockers(among: ids, blocking: r) == [a], "a block on any identity of theirs")
            }
            // With bans: one on a linked identity covers its member, and the other way round.
            try store.transaction { tx throws in
                try tx.ban(Ban(identity: c2, reason: nil, bannedBy: .console("admin"), createdAt: t0))
                try tx.ban(Ban(identity: r, reason: nil, bannedBy: .console("admin"), createdAt: t0))
                try check(tx)
                #expect(try tx.banned(among: ids) == [c, c2, r, r2])
            }
        }
    }

    /// The ids go into SQL as a JSON array written by hand: quotes, backslashes, controls and
    /// any Unicode come back. (Not NUL: SQLite's JSON functions end a text there, as before.)
    @Test(arguments: Backend.all)
    func batchedReadsTakeIdsOfAnyText(_ backend: Backend) throws {
        try backend.withStore { store throws in
            let odd = ["quo\"te", "back\\slash", "new\nline", "tab\there", "bell\u{7}", "ünï 名前 🎉",
                       "@user:example.org", "", "[]", "a,b"].map { Identity(network: "matrix", id: $0) }
            try store.transaction { tx throws in
                for id in odd {
                    try tx.savePerson(Person(identity: id, displayName: id.id, firstSeen: Date(timeIntervalSince1970: 1)))
                    try tx.recordChannelMember(id, channel: "#c")
                }
                #expect(Set(try tx.people(odd).keys) == Set(odd))
                #expect(try tx.people(odd).values.map(\.identity).sorted() == odd.sorted())
                #expect(try tx.channels(of: odd) == Dictionary(uniqueKeysWithValues: odd.map { ($0, Set(["#c"])) }))
            }
        }
    }

    /// What an ask reads of its requester in one go is what the five one-row reads give: a
    /// stranger, someone with requests (open, closed, old), the open one with the key asked.
    @Test(arguments: Backend.all)
    func requesterCountsGiveWhatTheRowReadsGive(_ backend: Backend) throws {
        try backend.withStore { store throws in
            let t0 = Date(timeIntervalSince1970: 2_000_000)
            let (r, s) = (Identity.console("r"), Identity.console("s"))
            func request(_ who: Identity, _ key: String, _ status: RequestStatus, at: Date) -> Request {
                Request(id: 0, requester: who, topic: key, key: key, originalText: "ask \(key)", channel: nil, status: status,
                        createdAt: at, expiresAt: at + 86_400)
            }
            func rowReads(_ tx: any StoreTransaction, _ who: Identity, _ key: String, _ since: Date) throws -> RequesterCounts {
                RequesterCounts(version: try tx.versions(ofMembers: [who])[who], openCount: try tx.openRequestCount(of: who),
                                madeSince: try tx.requestCount(of: who, since: since), openWithKey: try tx.openRequest(of: who, key: key),
                                nextRequestID: try tx.nextRequestID())
            }
            try store.transaction { tx throws in
                #expect(try tx.requesterCounts(of: r, key: "rust", since: t0) == rowReads(tx, r, "rust", t0))
                try tx.savePerson(Person(identity: r, displayName: "r", firstSeen: t0))
                _ = try tx.createRequest(request(r, "rust", .open, at: t0))
                _ = try tx.createRequest(request(r, "go", .open, at: t0 - 2 * 86_400))
                _ = try tx.createRequest(request(r, "tax", .cancelled, at: t0))
                _ = try tx.createRequest(request(s, "rust", .open, at: t0))
            }
            try store.transaction { tx throws in
                for (who, key) in [(r, "rust"), (r, "go"), (r, "tax"), (r, "none"), (s, "rust"), (Identity.console("x"), "rust")] {
                    let one = try tx.requesterCounts(of: who, key: key, since: t0 - 86_400)
                    #expect(one == (try rowReads(tx, who, key, t0 - 86_400)), "\(who) \(key)")
                }
                let counts = try tx.requesterCounts(of: r, key: "rust", since: t0 - 86_400)
                #expect(counts.openCount == 2 && counts.madeSince == 2 && counts.openWithKey?.key == "rust" && counts.nextRequestID == 5)
            }
        }
    }

    private static func oneByOne<V>(_ ids: [Identity], _ read: (Identity) throws -> V?) throws -> [Identity: V] {
        var out: [Identity: V] = [:]
        for id in ids { if let value = try read(id) { out[id] = value } }
        return out
    }

    /// The reads standing requests are found with: open ones after an id, some by id, the last id.
    @Test(arguments: Backend.all)
    func requestsByIdAndTheOpenOnesAfterAnId(_ backend: Backend) throws {
        try backend.withStore { store throws in
            let t0 = Date(timeIntervalSince1970: 1_000_000)
            try store.transaction { tx throws in
                #expect(try tx.lastRequestID() == 0)
                #expect(try tx.openRequests(after: 0).isEmpty && tx.requests(ids: [1, 2]).isEmpty)
                var made: [Request] = []
                for i in 0..<5 {
                    made.append(try tx.createRequest(Request(id: 0, requester: .console("r\(i)"), topic: "t\(i)", key: "t\(i)",
                                                             originalText: "ask t\(i)", channel: nil, status: .open,
                                                             createdAt: t0, expiresAt: t0 + 86_400)))
                }
                made[3].status = .cancelled
                try tx.saveRequest(made[3])
                #expect(try tx.lastRequestID() == made[4].id)
                #expect(try tx.openRequests(after: made[1].id).map(\.id) == [made[2].id, made[4].id])
                #expect(try tx.openRequests(after: 0) == (try tx.requests(status: .open)))
                #expect(try tx.requests(ids: [made[4].id, made[0].id, 999, made[3].id]) == [made[0], made[3], made[4]],
                        "in id order, unknown ids left out")
                #expect(try tx.requests(ids: [made[2].id]) == [try #require(try tx.request(made[2].id))])
            }
        }
    }
}

private extension Collection {
    var nonEmpty: Self? { isEmpty ? nil : self }
}

private extension Int {
    var nonZero: Int? { self == 0 ? nil : self }
}
