/// One line of console input (SPEC §7), parsed. Pure, so it is easy to test and fuzz.
public enum ConsoleLine: Equatable, Sendable {
    /// A blank line or a `#` comment: nothing happens.
    case ignored
    /// `NAME: TEXT` (channel nil) or `NAME #CHANNEL: TEXT`.
    case message(name: String, channel: String?, text: String)
    /// Does not fit the grammar: one sentence on stderr, nothing changes.
    case invalid
    /// Longer than `maxBytes` (its length in bytes): one sentence on stderr, nothing changes.
    case tooLong(bytes: Int)
    /// `BOTNAME: ...`: someone typed as the bot (as the README's `liaison: ask` reads); the
    /// sentence says what to type instead. Nothing changes.
    case botsOwnName

    public static let maxBytes = 4000

    /// `bytes` is one line without its "\n"; a trailing CR is stripped here.
    public static func parse(_ bytes: [UInt8], botName: String) -> ConsoleLine {
        var bytes = bytes[...]
        if bytes.last == 0x0D { bytes = bytes.dropLast() }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return .ignored }
        if bytes.first == UInt8(ascii: "#") { return .ignored }
        guard bytes.count <= maxBytes else { return .tooLong(bytes: bytes.count) }
        guard let line = String(validating: bytes, as: UTF8.self) else { return .invalid }
        guard let colon = line.firstIndex(of: ":") else { return .invalid }
        let header = line[..<colon]
        var text = line[line.index(after: colon)...]
        if text.first == " " { text = text.dropFirst() }
        guard !text.allSatisfy(\.isWhitespace) else { return .invalid }
        let parts = header.split(separator: " ", omittingEmptySubsequences: false)
        let name: Substring
        var channel: String?
        switch parts.count {
        case 1:
            name = parts[0]
        case 2:
            name = parts[0]
            guard isChannel(parts[1]) else { return .invalid }
            channel = String(parts[1])
        default:
            return .invalid
        }
        guard isName(name) else { return .invalid }
        guard name.lowercased() != botName.lowercased() else { return .botsOwnName }
        return .message(name: String(name), channel: channel, text: String(text))
    }

    /// `[A-Za-z0-9_.-]{1,32}`
    static func isName(_ s: Substring) -> Bool {
        (1...32).contains(s.utf8.count) && s.utf8.allSatisfy { c in
            (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39)
                || c == 0x5F || c == 0x2E || c == 0x2D
        }
    }

    /// `#` then 1-50 characters other than space, comma, `:` and control characters.
    static func isChannel(_ s: Substring) -> Bool {
        guard s.first == "#" else { return false }
        let rest = s.dropFirst()
        return (1...50).contains(rest.count) && rest.unicodeScalars.allSatisfy { u in
            u != " " && u != "," && u != ":" && !(u.value < 0x20 || (u.value >= 0x7F && u.value < 0xA0))
        }
    }
}
