import Foundation
import LiaisonCore
import Testing

/// What every store backend must do, through the `Store` protocol only (SPEC §4): these run
/// unchanged on each backend in `Backend.all`. Backend-specific facts (file modes, WAL, sync
/// levels, raw rows) stay in that backend's own tests.
@Suite struct StoreContractTests {
    @Test(arguments: Backend.all)
    func startUpReadsEveryTopicInOrderAndStopsCleanlyOnAnError(_ backend: Backend) throws {
        try backend.withStore { store throws in
            try store.transaction { tx throws in
                for i in 0..<10_000 {
                    let text = "topic \(i)"
                    _ = try tx.addTopic(.console("m\(i % 97)"), text: text, key: TopicText.key(text), analysis: TopicText.analysis(text))
                }
            }
            let all = try store.allTopics()
            #expect(all.count == 10_000)
            #expect(all.map(\.id) == all.map(\.id).sorted())
            #expect(all.last?.text == "topic 9999" && all.last?.identity == .console("m\(9999 % 97)"))
            // An error in the middle stops the read, and the store is usable right after.
            struct Stop: Error {}
            var seen = 0
            #expect(throws: Stop.self) {
                try store.forEachTopic { _ in
                    seen += 1
                    if seen == 5_000 { throw Stop() }
                }
            }
            #expect(seen == 5_000)
            try store.transaction { tx in _ = try tx.addTopic(.console("late"), text: "late topic", key: "late topic", analysis: TopicText.analysis("late topic")) }
            #expect(try store.topicCount() == 10_001)
        }
    }

    /// A message written but never confirmed before a crash is known as such after the
    /// restart (so the IRC client can look for it in the server's history first).
    @Test(arguments: Backend.all)
    func aWrittenButUnconfirmedMessageIsKnownAfterARestart(_ backend: Backend) throws {
        try backend.withPlace { place throws in
            let at = Date(timeIntervalSince1970: 1_800_000_000)
            do {
                let store = try place.open()
                try store.transaction { tx throws in
                    try tx.enqueue(.message, to: .person(.console("a")), text: "one", at: at)
                    try tx.enqueue(.message, to: .person(.console("a")), text: "two", at: at)
                }
                let rows = try store.pendingOutbox(network: "console", limit: 10)
                #expect(rows.allSatisfy { $0.writtenAt == nil })
                try store.markWritten([rows[0].id], at: at.addingTimeInterval(1))
            }
            let reopened = try place.open()
            let rows = try reopened.pendingOutbox(network: "console", limit: 10)
            #expect(rows.map(\.writtenAt) == [at.addingTimeInterval(1), nil])
        }
    }

    @Test(arguments: Backend.all)
    func reopeningKeepsData(_ backend: Backend) throws {
        try backend.withPlace { place throws in
            do {
                let store = try place.open()
                _ = try store.transaction { tx in try tx.addTopic(.console("alice"), text: "Rust", key: "rust", analysis: TopicText.analysis("Rust")) }
                try store.transaction { tx in try tx.setAlias(Alias(alias: "rustlang", topic: "rust")) }
            }
            let store = try place.open()
            #expect(try store.allTopics().map(\.text) == ["Rust"])
            #expect(try store.allAliases().map(\.alias) == ["rustlang"])
        }
    }

    @Test(arguments: Backend.all)
    func theOutboxKeepsCommitOrderAcrossRestartsUntilSent(_ backend: Backend) throws {
        try backend.withPlace { place throws in
            do {
                let store = try place.open()
                try store.transaction { tx throws in
                    for i in 1...5 { try tx.enqueue(.message, to: .person(.console("a")), text: "m\(i)", at: Date()) }
                }
            }
            let store = try place.open()
            let pending = try store.pendingOutbox(network: "console", limit: 3)
            #expect(pending.map(\.text) == ["m1", "m2", "m3"])
            try store.markSent(pending.map(\.id))
            #expect(try store.pendingOutbox(network: "console", limit: 10).map(\.text) == ["m4", "m5"])
            #expect(try store.pendingOutbox(network: "other", limit: 10).isEmpty)
        }
    }

    /// Messages for a target the transport can't reach now, or past their lifetime, hold up
    /// nobody else's; `after` pages on from an id.
    @Test(arguments: Backend.all)
    func pendingOutboxSkipsWaitingTargetsAndExpiredRowsAndPagesOn(_ backend: Backend) throws {
        try backend.withStore { store throws in
            let t0 = Date(timeIntervalSince1970: 1_800_000_000)
            let (a, b) = (Identity.console("a"), Identity.console("b"))
            try store.transaction { tx throws in
                try tx.enqueue(.message, to: .person(a), text: "for a", at: t0)
                try tx.enqueue(OutboxDraft(.message, to: .person(b), text: "offer for b", expiresAt: t0 + 60), at: t0)
                try tx.enqueue(.message, to: .person(b), text: "for b", at: t0)
                try tx.enqueue(.message, to: .person(a), text: "for a again", at: t0)
            }
            let all = try store.pendingOutbox(network: "console", now: t0, waiting: [], after: 0, limit: 10)
            #expect(all.map(\.text) == ["for a", "offer for b", "for b", "for a again"])
            #expect(try store.pendingOutbox(network: "console", now: t0, waiting: [.person(a)], after: 0, limit: 10).map(\.text)
                    == ["offer for b", "for b"])
            #expect(try store.pendingOutbox(network: "console", now: t0 + 61, waiting: [], after: 0, limit: 10).map(\.text)
                    == ["for a", "for b", "for a again"], "an offer past its lifetime is not delivered")
            #expect(try store.pendingOutbox(network: "console", now: t0, waiting: [], after: all[1].id, limit: 10).map(\.text)
                    == ["for b", "for a again"])
        }
    }

    @Test(arguments: Backend.all)
    func aFailedTransactionLeavesNoChangeAndNoMessage(_ backend: Backend) throws {
        try backend.withStore { store throws in
            struct Boom: Error {}
            #expect(throws: Boom.self) {
                try store.transaction { tx throws in
                    _ = try tx.addTopic(.console("alice"), text: "rust", key: "rust", analysis: TopicText.analysis("rust"))
                    try tx.savePerson(Person(identity: .console("alice"), displayName: "alice", firstSeen: Date()))
                    try tx.enqueue(.message, to: .person(.console("alice")), text: "Added rust.", at: Date())
                    throw Boom()
                }
            }
            #expect(try store.allTopics().isEmpty)
            #expect(try store.pendingOutbox(network: "console", limit: 10).isEmpty)
            #expect(try store.transaction { tx in try tx.person(.console("alice")) } == nil)
        }
    }

    /// Transport state (a sync position) commits at once and survives a restart; nil clears it.
    @Test(arguments: Backend.all)
    func networkStateIsKeptPerNetworkAndKey(_ backend: Backend) throws {
        try backend.withPlace { place throws in
            do {
                let store = try place.open()
                try store.setNetworkState(network: "matrix", key: "since", value: "s1_2_3")
                try store.setNetworkState(network: "matrix", key: "rooms", value: "[]")
                try store.setNetworkState(network: "other", key: "since", value: "x")
                try store.setNetworkState(network: "matrix", key: "rooms", value: nil)
            }
            let store = try place.open()
            #expect(try store.networkState(network: "matrix", key: "since") == "s1_2_3")
            #expect(try store.networkState(network: "matrix", key: "rooms") == nil)
            #expect(try store.networkState(network: "other", key: "since") == "x")
        }
    }

    /// An event is handled once: its seen mark commits with its effects, or not at all.
    @Test(arguments: Backend.all)
    func aSeenMarkCommitsWithItsTransaction(_ backend: Backend) throws {
        try backend.withStore { store throws in
            struct Boom: Error {}
            #expect(throws: Boom.self) {
                try store.transaction { tx throws in
                    #expect(try tx.markSeen(network: "matrix", eventID: "$e1", at: Date()))
                    throw Boom()
                }
            }
            try store.transaction { tx throws in
                #expect(try tx.markSeen(network: "matrix", eventID: "$e1", at: Date()), "the rolled-back mark is gone")
                #expect(try !tx.markSeen(network: "matrix", eventID: "$e1", at: Date()))
                #expect(try tx.markSeen(network: "other", eventID: "$e1", at: Date()), "marks are per network")
            }
        }
    }

    /// One open request per requester and topic, kept by the store itself, so that two
    /// processes racing past the broker's check cannot both record one. Once it is closed,
    /// the same question may be asked again.
    @Test(arguments: Backend.all)
    func aSecondOpenRequestWithTheSameTopicIsRejected(_ backend: Backend) throws {
        try backend.withStore { store throws in
            let t0 = Date(timeIntervalSince1970: 1_000_000)
            func ask(_ who: String, _ key: String) -> Request {
                Request(id: 0, requester: .console(who), topic: key, key: key, originalText: "ask \(key)",
                        channel: nil, status: .open, createdAt: t0, expiresAt: t0 + 86_400)
            }
            var first = try store.transaction { tx in try tx.createRequest(ask("alice", "rust")) }
            #expect(throws: (any Error).self) {
                try store.transaction { tx throws in
                    try tx.enqueue(.message, to: .person(.console("alice")), text: "Asked.", at: t0)
                    _ = try tx.createRequest(ask("alice", "rust"))
                }
            }
            #expect(try store.pendingOutbox(network: "console", limit: 10).isEmpty, "nothing of the refused change is kept")
            _ = try store.transaction { tx in try tx.createRequest(ask("bob", "rust")) }
            _ = try store.transaction { tx in try tx.createRequest(ask("alice", "go")) }
            first.status = .cancelled
            try store.transaction { tx in try tx.saveRequest(first) }
            let again = try store.transaction { tx in try tx.createRequest(ask("alice", "rust")) }
            #expect(again.id > first.id)
            #expect(try store.transaction { tx in try tx.openRequest(of: .console("alice"), key: "rust") }?.id == again.id)
        }
    }
}
