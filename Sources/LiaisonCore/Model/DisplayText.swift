/// Text that came from a user (a nick, a display name, a room or channel name), cleaned
/// once where it enters the core: no control characters (C0, DEL, C1), no formatting codes
/// or CTCP markers, no bidirectional overrides, no line breaks, whitespace collapsed, and at
/// most `limit` characters. Only the bot's own message templates may contain line breaks,
/// so nothing a user typed can become a second line, a CTCP request or formatting on the wire.
public struct DisplayText: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let value: String

    public static let defaultLimit = 100

    public init(_ raw: String, limit: Int = DisplayText.defaultLimit) {
        let clean = ChatText.plain(raw)
        value = clean.count > limit ? String(clean.prefix(limit)) : clean
    }

    public init(stringLiteral value: String) { self.init(value) }

    public var description: String { value }

    /// C0 and C1 controls, DEL, and the invisible bidirectional controls.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0xFEFF: true
        default: false
        }
    }
    public var isEmpty: Bool { value.isEmpty }
}
