import Foundation
import LiaisonCore
import Testing

/// The coarse loads and applies (docs/STORE-PROTOCOL.md §2): a load gives what the row reads
/// give; an apply writes all of its change or, when a row it was decided on changed since the
/// load, nothing at all.
@Suite struct OperationContractTests {
    static let t0 = Date(timeIntervalSince1970: 1_000_000)
    let alice = Identity.console("alice"), bob = Identity.console("bob"), carol = Identity.console("carol")
    let dave = Identity(network: "libera", id: "dave")

    func member(_ id: Identity, optedIn: Bool = true, tx: any StoreTransaction) throws {
        var person = Person(identity: id, displayName: id.id.capitalized, firstSeen: Self.t0)
        person.optedIn = optedIn
        try tx.savePerson(person)
    }

    func ask(_ context: AskContext, by requester: Identity, offerTo experts: [Identity]) -> NewRequest {
        let request = Request(id: context.nextRequestID, requester: requester, topic: "rust", key: "rust",
                              originalText: "ask rust", channel: nil, status: .open, createdAt: Self.t0,
                              expiresAt: Self.t0 + 86_400)
        let offers = experts.map { Offer(requestID: request.id, expert: $0, status: .pending, createdAt: Self.t0, expiresAt: Self.t0 + 3_600) }
        return NewRequest(guards: [.member(requester, context.requesterVersion)]
                            + experts.map { .member($0, RowVersion.at(context.pool.versions[$0] ?? -1)) },
                          newRequester: context.requester == nil ? Person(identity: requester, displayName: "A", firstSeen: Self.t0) : nil,
                          request: request, sourceEvent: "$ask", offers: offers,
                          messages: [OutboxDraft(to: .person(requester), text: "Request #\(request.id): asking")]
                            + experts.map { OutboxDraft(to: .person($0), text: "Offer #\(request.id)", offerOf: request.id) })
    }

    /// An ask's load names the id its request will get, and its write records the request,
    /// the offers, the source event and the messages, in order.
    @Test(arguments: Backend.all)
    func anAskIsLoadedThenWrittenWhole(_ backend: Backend) throws {
        try backend.withStore { store throws in
            try store.transaction { tx throws in
                for id in [bob, carol] { try member(id, tx: tx) }
                _ = try tx.createRequest(Request(id: 0, requester: carol, topic: "go", key: "go", originalText: "ask go",
                                                 channel: nil, status: .open, createdAt: Self.t0, expiresAt: Self.t0 + 86_400))
            }
            let context = try store.transaction { tx in try tx.askContext(member: alice, key: "rust", hits: [bob, carol, alice], now: Self.t0) }
            #expect(context.requester == nil && context.requesterVersion == .absent && context.openWithKey == nil)
            #expect(context.nextRequestID == 2 && context.openCount == 0 && context.askedToday == 0)
            #expect(Set(context.pool.people.keys) == [bob, carol])
            try store.transaction { tx in try tx.recordRequest(ask(context, by: alice, offerTo: [bob, carol])) }
            try store.transaction { tx throws in
                let request = try #require(try tx.request(2))
                #expect(request.requester == alice && request.status == .open)
                #expect(try tx.request(sourceEvent: "$ask")?.id == 2)
                #expect(try tx.offers(requestID: 2).map(\.expert).sorted() == [bob, carol])
                #expect(try tx.person(alice)?.displayName == "A", "the new requester is stored with the request")
                let again = try tx.askContext(member: alice, key: "rust", hits: [], now: Self.t0)
                #expect(again.openWithKey?.id == 2 && again.openCount == 1 && again.askedToday == 1 && again.nextRequestID == 3)
            }
            #expect(try store.pendingOutbox(network: "console", limit: 10).map(\.text) == ["Request #2: asking", "Offer #2", "Offer #2"])
        }
    }

    /// A change decided on a load is refused whole when a row it depended on changed in
    /// between (another process banned an expert, the requester changed their settings).
    @Test(arguments: Backend.all)
    func aWriteWhoseRowsChangedSinceTheLoadWritesNothing(_ backend: Backend) throws {
        try backend.withStore { store throws in
            try store.transaction { tx throws in for id in [alice, bob, carol] { try member(id, tx: tx) } }
            let context = try store.transaction { tx in try tx.askContext(member: alice, key: "rust", hits: [bob, carol], now: Self.t0) }
            #expect(context.requesterVersion != .absent)
            try store.transaction { tx in try tx.ban(Ban(identity: carol, reason: nil, bannedBy: alice, createdAt: Self.t0)) }
            #expect(throws: StoreConflict.self) {
                try store.transaction { tx in try tx.recordRequest(ask(context, by: alice, offerTo: [bob, carol])) }
            }
            #expect(try store.transaction { tx in try tx.request(context.nextRequestID) } == nil)
            #expect(try store.pendingOutbox(network: "console", limit: 10).isEmpty)
            // Loaded again, the same change goes through (with what the new load says).
            let fresh = try store.transaction { tx in try tx.askContext(member: alice, key: "rust", hits: [bob, carol], now: Self.t0) }
            #expect(fresh.pool.banned == [carol])
            try store.transaction { tx in try tx.recordRequest(ask(fresh, by: alice, offerTo: [bob])) }
            #expect(try store.pendingOutbox(network: "console", limit: 10).count == 2)
        }
    }

    /// The pool gives, for every candidate, what the one-id reads give; those already offered
    /// the request and those the person row rules out (not opted in, away, asks from nobody,
    /// the requester) cost nothing beyond their row.
    @Test(arguments: Backend.all)
    func theCandidatePoolGivesWhatTheOneIdReadsGive(_ backend: Backend) throws {
        try backend.withStore { store throws in
            let erin = Identity.console("erin")
            let request = try store.transaction { tx throws -> Request in
                for id in [alice, bob, carol] { try member(id, tx: tx) }
                try member(erin, optedIn: false, tx: tx)
                try tx.link(dave, to: carol, at: Self.t0)
                try tx.recordChannelMember(alice, channel: "#rust")
                try tx.recordChannelMember(dave, channel: "#rust")
                try tx.ban(Ban(identity: dave, reason: nil, bannedBy: alice, createdAt: Self.t0))
                _ = try tx.addBlock(blocker: bob, blocked: alice, requestID: 99, at: Self.t0)
                let request = try tx.createRequest(Request(id: 0, requester: alice, topic: "rust", key: "rust", originalText: "ask rust",
                                                           channel: nil, status: .open, createdAt: Self.t0, expiresAt: Self.t0 + 86_400))
                try tx.createOffer(Offer(requestID: request.id, expert: erin, status: .declined, createdAt: Self.t0, expiresAt: Self.t0))
                return request
            }
            try store.transaction { tx throws in
                let pool = try tx.candidatePool([bob, carol, erin, alice, .console("nobody"), bob], requester: alice,
                                                offered: Set(try tx.offers(requestID: request.id).map(\.expert)), now: Self.t0)
                #expect(pool.offered == [erin])
                #expect(Set(pool.people.keys) == [bob, carol, alice], "offered and unknown candidates are left out")
                #expect(pool.banned == [carol], "a ban on a linked identity covers its member")
                #expect(pool.blockers == [bob])
                #expect(Set(pool.versions.keys) == [bob, carol])
                #expect(!pool.requesterBanned)
                #expect(pool.channels.memberOf == (try tx.members(of: pool.channels.ids)))
                #expect(pool.channels.stored[dave] == ["#rust"] && pool.channels.stored[alice] == ["#rust"])
                #expect(pool.channels.linked[carol] == [dave])
            }
        }
    }
}
