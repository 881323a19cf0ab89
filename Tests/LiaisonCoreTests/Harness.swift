import Foundation
@testable import LiaisonCore
import LiaisonStore

/// Drives the broker as people on the console network would, on a real SQLite store, and
/// collects what it sends as "TARGET: TEXT" lines (TARGET: the person's id or the channel).
final class Harness {
    let store: SQLiteStore
    let broker: Broker
    var now = Date(timeIntervalSince1970: 1_800_000_000)

    init(_ configure: (inout BrokerSettings) -> Void = { _ in }, path: String = ":memory:",
         lexicon: MatchIndex.LexiconSource = .given(Lexicon.system)) throws {
        var settings = BrokerSettings()
        configure(&settings)
        store = try SQLiteStore(path: path)
        broker = try Broker(settings: settings, store: store, networks: ["console"], lexicon: lexicon)
    }

    /// NAME says TEXT privately, or in CHANNEL; returns what the bot sent.
    @discardableResult
    func say(_ name: String, _ text: String, in channel: String? = nil, network: String = "console") throws -> [String] {
        let sender = network == "console" ? Identity.console(name) : Identity(network: network, id: name)
        let message = IncomingMessage(sender: sender, displayName: name,
                                      place: channel.map { .channel($0) } ?? .direct, text: text, botNick: "liaison")
        broker.handle(message, now: now)
        return try drain()
    }

    /// Lets time pass and runs what came due.
    @discardableResult
    func advance(_ seconds: TimeInterval) throws -> [String] {
        now = now.addingTimeInterval(seconds)
        broker.runDue(now: now)
        return try drain()
    }

    func drain() throws -> [String] {
        let entries = try store.pendingOutbox(network: "console", limit: 10_000) + store.pendingOutbox(network: "libera", limit: 10_000)
        try store.markSent(entries.map(\.id))
        return entries.filter { $0.kind == .message }.map { entry in
            switch entry.target {
            case .person(let id): "\(id.id): \(entry.text)"
            case .channel(_, let name): "\(name): \(entry.text)"
            }
        }
    }

    /// A member with topics, opted in.
    func member(_ name: String, _ topics: String) throws {
        try say(name, "optin")
        try say(name, "expertise add \(topics)")
    }
}

extension Array where Element == String {
    func to(_ target: String) -> [String] { filter { $0.hasPrefix("\(target): ") } }
    func mentioning(_ word: String) -> [String] { filter { $0.lowercased().contains(word.lowercased()) } }
}

/// The request id in a line like "Request #3: ...": the first "#" followed by digits.
func requestID(in lines: [String]) -> Int? {
    for line in lines {
        var rest = Substring(line)
        while let range = rest.range(of: "#") {
            rest = rest[range.upperBound...]
            if let id = Int(rest.prefix { $0.isNumber }) { return id }
        }
    }
    return nil
}
