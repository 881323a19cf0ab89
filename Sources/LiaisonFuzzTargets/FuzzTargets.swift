import Foundation
import LiaisonConfig
import LiaisonCore
import LiaisonIRCProtocol
import LiaisonStore

/// What `scripts/fuzz` feeds arbitrary bytes to. Each target checks the promises its code
/// makes about any input and throws a `FuzzFinding` when one is broken: nothing on the wire
/// carries CR, LF or NUL, and bad input is refused, never fatal. The fuzz executable turns a
/// finding into the crash libFuzzer reports; the test suite records it as a failure.
public struct FuzzFinding: Error, CustomStringConvertible {
    public let description: String
}

public enum FuzzTarget: String, CaseIterable, Sendable {
    /// The IRC line parser, the serialiser and text splitting (LiaisonIRCProtocol).
    case irc
    /// bot.conf (LiaisonConfig).
    case config
    /// Chat commands, private and in a channel, through the broker on a real in-memory
    /// state file.
    case command
    /// The natural-language request detector.
    case detector

    /// Work done once before the first input, so that no single input is charged for it
    /// (libFuzzer times each input): the command target's broker reads WordNet when it starts.
    public func prepare() throws {
        if self == .command { try Self.startBroker() }
    }

    public func run(_ data: [UInt8]) throws {
        let text = String(decoding: data, as: UTF8.self)
        switch self {
        case .irc: try Self.irc(text)
        case .config: try Self.config(text)
        case .command: try Self.command(text)
        case .detector: try Self.detector(text)
        }
    }

    static func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw FuzzFinding(description: message()) }
    }

    static func clean(_ text: String) -> Bool {
        !text.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }
    }

    static func irc(_ line: String) throws {
        if let message = IRCMessage.parse(line) {
            let wire = message.serialized()
            try require(clean(wire), "a parsed line serialises with CR/LF/NUL: \(wire.debugDescription)")
            // The serialiser replaces CR, LF, NUL, and a command that could read as tags or
            // a source ("@", ":x"), by design; a clean line with a real command (letters or
            // digits) must come back with that command.
            let realCommand = message.command.utf8.allSatisfy { ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A || ($0 >= 0x30 && $0 <= 0x39) }
            if clean(line), realCommand, let again = IRCMessage.parse(wire) {
                try require(again.command == message.command, "the command changes across a round trip: \(line.debugDescription) -> \(wire.debugDescription)")
            }
        }
        // User text on the wire: the serialiser is the last gate, whatever its caller did.
        let raw = IRCMessage(command: "PRIVMSG", params: ["#c", line]).serialized()
        try require(clean(raw), "raw user text reaches the wire with CR/LF/NUL")
        let reply = IRCMessage(command: "PRIVMSG", params: ["#c", IRCText.sanitize(line)]).serialized()
        try require(clean(reply), "user text reaches the wire with CR/LF/NUL")
        for piece in IRCText.split(IRCText.sanitize(line), maxBytes: 400) {
            try require(piece.utf8.count <= 400, "a split piece is over its budget")
            try require(clean(piece), "a split piece carries CR/LF/NUL")
        }
        _ = CTCP.parse(line)
    }

    static func config(_ text: String) throws {
        do {
            let config = try ConfigLoader.parse(text, path: "/fuzz/bot.conf")
            _ = config.effectiveSettings()
        } catch is ConfigError {
            // Refused with a sentence: what bad input should get.
        } catch {
            try require(false, "bot.conf input raised something other than a ConfigError: \(error)")
        }
    }

    nonisolated(unsafe) static var broker: (Broker, SQLiteStore, Date)?

    static func startBroker() throws {
        guard broker == nil else { return }
        let store = try SQLiteStore(path: ":memory:")
        broker = (try Broker(settings: BrokerSettings(), store: store, networks: ["console"]), store, Date(timeIntervalSince1970: 1_800_000_000))
    }

    static func command(_ text: String) throws {
        try startBroker()
        guard var (broker, store, now) = broker else { return }
        // The same text as a private command, an admin's, and a channel line.
        let senders: [(String, Place)] = [("fuzz", .direct), ("admin", .direct), ("fuzz", .channel("#fuzz"))]
        for (name, place) in senders {
            broker.handle(IncomingMessage(sender: .console(name), displayName: name, place: place, text: text, botNick: "liaison"), now: now)
        }
        now = now.addingTimeInterval(600)
        _ = broker.runDue(now: now)
        Self.broker = (broker, store, now)
        let entries = try store.pendingOutbox(network: "console", limit: 10_000)
        for entry in entries {
            try require(!entry.text.utf8.contains(0), "an outgoing message carries NUL")
        }
        try store.markSent(entries.map(\.id))
    }

    static func detector(_ line: String) throws {
        for addressed in [false, true] {
            guard let topic = RequestDetector.detect(line, addressed: addressed) else { continue }
            try require(!topic.isEmpty, "an empty topic was detected")
            try require(topic == topic.trimmingCharacters(in: .whitespacesAndNewlines), "a detected topic is not trimmed")
        }
    }
}
