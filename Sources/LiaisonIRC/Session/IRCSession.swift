public import LiaisonIRCProtocol
import Foundation

/// How the bot authenticates to services.
public enum SASLMode: Sendable, Equatable {
    case none
    case plain(account: String, password: String)
    case external
}

/// What registration produces besides lines to send.
public enum SessionEvent: Equatable, Sendable {
    case send(IRCMessage)
    /// 001 arrived: the connection is usable.
    case registered
    case saslSucceeded(account: String)
    case saslFailed(String)
    /// Our own nick changed (alternative nick taken, or regained).
    case nickChanged(String)
}

/// Registration, CAP LS 302 negotiation, SASL and ISUPPORT as a state machine: one call per
/// server line, returning what to do. No sockets, so it is tested with recorded server lines.
public struct IRCSession: Sendable {
    enum State: Equatable { case idle, negotiating, authenticating, registering, registered }

    /// Capabilities Liaison uses when the server offers them.
    public static let wantedCaps: [String] = [
        "sasl", "message-tags", "account-tag", "extended-join", "account-notify", "away-notify",
        "multi-prefix", "server-time", "cap-notify", "echo-message", "batch", "draft/multiline",
        "draft/chathistory", "chathistory",
    ]

    public let desiredNick: String
    let user: String
    let realname: String
    let sasl: SASLMode
    private(set) var state: State = .idle
    public private(set) var nick: String
    public private(set) var offeredCaps: [String: String] = [:]
    public private(set) var enabledCaps: Set<String> = []
    public private(set) var isupport: [String: String] = [:]
    /// Our own user@host, once the server told us (for line-length arithmetic).
    public private(set) var userHost: (user: String, host: String)?
    private var nickAttempt = 0
    private var saslChunks: [String] = []

    public init(nick: String, user: String, realname: String, sasl: SASLMode) {
        desiredNick = nick
        self.nick = nick
        self.user = user
        self.realname = realname
        self.sasl = sasl
    }

    public var isRegistered: Bool { state == .registered }
    public var casemapping: IRCCasemapping { IRCCasemapping(isupport: isupport["CASEMAPPING"] ?? "rfc1459") }
    /// What we write never exceeds 512 bytes (SPEC §4), whatever LINELEN a server offers.
    public var lineLimit: Int { 512 }
    public var chantypes: String { isupport["CHANTYPES"] ?? "#&" }
    public var supportsWHOX: Bool { isupport["WHOX"] != nil }
    public var monitorLimit: Int? { isupport["MONITOR"].map { Int($0) ?? 100 } }
    public func has(_ cap: String) -> Bool { enabledCaps.contains(cap) }
    /// Messages of several lines go as one batch where the server takes them.
    public var multiline: Multiline? {
        guard has("batch"), has("draft/multiline") else { return nil }
        return Multiline(capValue: offeredCaps["draft/multiline"] ?? "")
    }

    /// The first lines on a new connection.
    public mutating func start() -> [IRCMessage] {
        state = .negotiating
        nick = desiredNick
        nickAttempt = 0
        offeredCaps = [:]
        enabledCaps = []
        isupport = [:]
        return [
            IRCMessage(command: "CAP", params: ["LS", "302"]),
            IRCMessage(command: "NICK", params: [nick]),
            IRCMessage(command: "USER", params: [user, "0", "*", realname]),
        ]
    }

    public mutating func handle(_ m: IRCMessage) -> [SessionEvent] {
        switch m.verb {
        case .cap: return handleCap(m)
        case .authenticate: return handleAuthenticate(m)
        case .numeric(.loggedIn): return [] // RPL_LOGGEDIN: 903 follows
        case .numeric(.saslSuccess):
            // Only while authenticating: a stray 903 later must not send the session back
            // to registration (where chat is ignored until a 001 that never comes).
            guard state == .authenticating else { return [] }
            state = .registering
            let account: String = if case .plain(let a, _) = sasl { a } else { "(certificate)" }
            return [.saslSucceeded(account: account), .send(IRCMessage(command: "CAP", params: ["END"]))]
        case .numeric(.nickLocked), .numeric(.saslFail), .numeric(.saslTooLong), .numeric(.saslAborted),
             .numeric(.saslAlready), .numeric(.saslMechanisms):
            guard state == .authenticating else { return [] }
            state = .registering
            let reason = m.params.last ?? "SASL authentication failed"
            return [.saslFailed("\(m.command) \(reason)"), .send(IRCMessage(command: "CAP", params: ["END"]))]
        case .numeric(.welcome):
            state = .registered
            if let me = m.params.first { nick = me }
            if let last = m.params.last, let bang = last.lastIndex(of: "!") {
                // "Welcome ... nick!user@host" on many servers.
                let source = IRCSource.parse(String(last[last.index(after: last.lastIndex(of: " ") ?? last.startIndex)...]))
                if let u = source.user, let h = source.host, bang < last.endIndex { userHost = (u, h) }
            }
            return [.registered]
        case .numeric(.isupport):
            for token in m.params.dropFirst().dropLast() {
                let parts = token.split(separator: "=", maxSplits: 1)
                guard let key = parts.first else { continue }
                if key.hasPrefix("-") {
                    isupport[String(key.dropFirst())] = nil
                } else {
                    isupport[String(key)] = parts.count > 1 ? String(parts[1]) : ""
                }
            }
            return []
        case .numeric(.visibleHost): // RPL_VISIBLEHOST: our host changed (cloak)
            if m.params.count >= 2, let u = userHost?.user { userHost = (u, m.params[1]) }
            return []
        case .numeric(.nicknameInUse), .numeric(.erroneousNickname), .numeric(.nickCollision):
            guard state != .registered else { return [] }
            // Registration must not stall on a taken nick: try alternatives, regain later.
            nickAttempt += 1
            nick = nickAttempt == 1 ? desiredNick + "_" : "\(desiredNick)\(nickAttempt)"
            nick = String(nick.prefix(Int(isupport["NICKLEN"] ?? "") ?? 30))
            return [.send(IRCMessage(command: "NICK", params: [nick])), .nickChanged(nick)]
        case .numeric(.unknownCommand):
            // A server without CAP: register without it.
            if m.params.count >= 2, IRCCommand(m.params[1]) == .cap, state == .negotiating {
                state = .registering
            }
            return []
        default:
            return []
        }
    }

    /// Our NICK was accepted by the server (seen as a NICK message from ourselves).
    public mutating func ownNickChanged(to newNick: String) {
        nick = newNick
    }

    /// Learned from an echo or a WHO reply about ourselves.
    public mutating func learnUserHost(user: String, host: String) {
        userHost = (user, host)
    }

    private mutating func handleCap(_ m: IRCMessage) -> [SessionEvent] {
        guard m.params.count >= 3 else { return [] }
        let sub = m.params[1].uppercased()
        let more = m.params.count >= 4 && m.params[2] == "*"
        let list = m.params.last ?? ""
        let tokens = list.split(separator: " ").map(String.init)
        switch sub {
        case "LS":
            for token in tokens {
                let kv = token.split(separator: "=", maxSplits: 1)
                offeredCaps[String(kv[0])] = kv.count > 1 ? String(kv[1]) : ""
            }
            guard !more, state == .negotiating else { return [] }
            let request = Self.wantedCaps.filter { offeredCaps[$0] != nil && ($0 != "sasl" || sasl != .none) }
            if request.isEmpty { return endNegotiation() }
            return [.send(IRCMessage(command: "CAP", params: ["REQ", request.joined(separator: " ")]))]
        case "ACK":
            for token in tokens {
                if token.hasPrefix("-") { enabledCaps.remove(String(token.dropFirst())) } else { enabledCaps.insert(token) }
            }
            guard state == .negotiating else { return [] }
            if enabledCaps.contains("sasl"), sasl != .none {
                state = .authenticating
                let mechanism = if case .external = sasl { "EXTERNAL" } else { "PLAIN" }
                return [.send(IRCMessage(command: "AUTHENTICATE", params: [mechanism]))]
            }
            return endNegotiation()
        case "NAK":
            return state == .negotiating ? endNegotiation() : []
        case "NEW":
            for token in tokens {
                let kv = token.split(separator: "=", maxSplits: 1)
                offeredCaps[String(kv[0])] = kv.count > 1 ? String(kv[1]) : ""
            }
            let request = Self.wantedCaps.filter { $0 != "sasl" && tokens.contains($0) && !enabledCaps.contains($0) }
            return request.isEmpty ? [] : [.send(IRCMessage(command: "CAP", params: ["REQ", request.joined(separator: " ")]))]
        case "DEL":
            for token in tokens {
                offeredCaps[token] = nil
                enabledCaps.remove(token)
            }
            return []
        default:
            return []
        }
    }

    private mutating func endNegotiation() -> [SessionEvent] {
        state = .registering
        return [.send(IRCMessage(command: "CAP", params: ["END"]))]
    }

    private mutating func handleAuthenticate(_ m: IRCMessage) -> [SessionEvent] {
        guard state == .authenticating, m.params.first == "+" else { return [] }
        switch sasl {
        case .none:
            return []
        case .external:
            return [.send(IRCMessage(command: "AUTHENTICATE", params: ["+"]))]
        case .plain(let account, let password):
            let payload = Data("\(account)\u{0}\(account)\u{0}\(password)".utf8).base64EncodedString()
            // AUTHENTICATE carries at most 400 bytes; an exact multiple ends with "+".
            var chunks = stride(from: 0, to: payload.count, by: 400).map {
                String(payload.dropFirst($0).prefix(400))
            }
            if payload.count % 400 == 0 { chunks.append("+") }
            return chunks.map { .send(IRCMessage(command: "AUTHENTICATE", params: [$0])) }
        }
    }
}
