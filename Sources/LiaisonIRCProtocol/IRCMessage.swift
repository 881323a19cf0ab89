/// One IRC protocol line: optional IRCv3 tags, optional source, a command and its parameters.
///
/// Parsing and serialising are pure functions over strings, with no SwiftNIO, so the codec
/// can be fuzzed and tested without sockets.
public struct IRCMessage: Sendable, Equatable {
    /// Message tags in the order received, values unescaped; a tag without value has "".
    public var tags: [(key: String, value: String)]
    /// Where the message came from (`nick!user@host` or a server name), without the ':'.
    public var source: String?
    /// The command or three-digit numeric as received; `verb` is its typed form.
    public var command: String { didSet { verb = IRCCommand(command) } }
    /// The command typed once (a known command, a numeric, or other): switch on this.
    public private(set) var verb: IRCCommand
    /// The middle parameters and then the trailing one, without the ':' that marks it.
    public var params: [String]

    /// Makes a message; `serialized()` turns it into a line.
    public init(tags: [(key: String, value: String)] = [], source: String? = nil,
                command: String, params: [String] = []) {
        self.tags = tags
        self.source = source
        self.command = command
        verb = IRCCommand(command)
        self.params = params
    }

    /// The value of tag `key` ("" for a tag without value), or nil when it is absent.
    /// A repeated tag reads as its last value, as IRCv3 asks of parsers.
    public func tag(_ key: String) -> String? {
        tags.last(where: { $0.key == key })?.value
    }

    /// Equal when source and params are equal, the commands are equal ignoring ASCII case,
    /// and the tags hold the same values: tag order carries no meaning in IRCv3.
    public static func == (lhs: IRCMessage, rhs: IRCMessage) -> Bool {
        lhs.source == rhs.source
            && lhs.params == rhs.params
            && lhs.command.utf8.elementsEqual(rhs.command.utf8) {
                Byte.lowercased($0) == Byte.lowercased($1)
            }
            && lhs.tagValues == rhs.tagValues
    }

    /// The tags as a dictionary, last value winning, for order-free comparison.
    private var tagValues: [String: String] {
        Dictionary(tags.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }
}

// MARK: - Parsing

extension IRCMessage {
    /// Parses one line (without CR/LF): IRCv3 message tags with their values unescaped
    /// (`\:` `;`, `\s` space, `\\` `\`, `\r` CR, `\n` LF, a trailing lone backslash dropped,
    /// any other `\x` read as `x`), then the source, the command and the params.
    ///
    /// Runs of spaces between parts and a trailing space are tolerated (RFC 1459 allows
    /// them and real servers send them). A repeated tag keeps its first position and its
    /// last value; an empty source (a lone ':') reads as none. Returns nil when there is
    /// no command: an empty line, or only tags or a source.
    public static func parse(_ line: String) -> IRCMessage? {
        let bytes = Array(line.utf8)
        var i = 0
        func skipSpaces() {
            while i < bytes.count, bytes[i] == Byte.space { i += 1 }
        }
        func word() -> ArraySlice<UInt8> {
            let start = i
            while i < bytes.count, bytes[i] != Byte.space { i += 1 }
            return bytes[start..<i]
        }

        skipSpaces()
        var tags: [(key: String, value: String)] = []
        if i < bytes.count, bytes[i] == Byte.at {
            i += 1
            tags = parseTags(word())
            skipSpaces()
        }
        var source: String?
        if i < bytes.count, bytes[i] == Byte.colon {
            i += 1
            let name = word()
            source = name.isEmpty ? nil : String(decoding: name, as: UTF8.self)
            skipSpaces()
        }
        let command = word()
        guard !command.isEmpty else { return nil }

        var params: [String] = []
        while true {
            skipSpaces()
            guard i < bytes.count else { break }
            if bytes[i] == Byte.colon {
                params.append(String(decoding: bytes[(i + 1)...], as: UTF8.self))
                break
            }
            params.append(String(decoding: word(), as: UTF8.self))
        }
        return IRCMessage(tags: tags, source: source,
                          command: String(decoding: command, as: UTF8.self), params: params)
    }

    /// Splits `a=b;c;d=` into ordered pairs; empty keys are dropped because nothing can
    /// look them up, and a repeated key is merged so that `tags` and `tag(_:)` agree.
    private static func parseTags(_ bytes: ArraySlice<UInt8>) -> [(key: String, value: String)] {
        var tags: [(key: String, value: String)] = []
        var position: [String: Int] = [:]
        for item in bytes.split(separator: Byte.semicolon) {
            let equals = item.firstIndex(of: Byte.equals)
            let key = String(decoding: item[..<(equals ?? item.endIndex)], as: UTF8.self)
            guard !key.isEmpty else { continue }
            let value = equals.map { unescapeTagValue(item[($0 + 1)...]) } ?? ""
            if let index = position[key] {
                tags[index].value = value
            } else {
                position[key] = tags.count
                tags.append((key: key, value: value))
            }
        }
        return tags
    }

    /// Unescapes byte by byte, so that `\\n` is a backslash and an `n`, never a line feed.
    private static func unescapeTagValue(_ bytes: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var escaped = false
        for byte in bytes {
            if escaped {
                escaped = false
                switch byte {
                case UInt8(ascii: ":"): out.append(Byte.semicolon)
                case UInt8(ascii: "s"): out.append(Byte.space)
                case UInt8(ascii: "r"): out.append(Byte.cr)
                case UInt8(ascii: "n"): out.append(Byte.lf)
                default: out.append(byte)  // `\\` and unknown escapes both keep the byte
                }
            } else if byte == Byte.backslash {
                escaped = true
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

// MARK: - Serialising

extension IRCMessage {
    /// The line for this message, without CR/LF. Tag values are escaped; the last param
    /// gets a ':' when it is empty, contains a space or starts with ':'.
    ///
    /// Never emits CR, LF or NUL, whatever the fields hold (defence in depth: the sender
    /// sanitises too). In the last param they become spaces; tag values escape CR and LF
    /// and turn NUL into an escaped space. Parts that must stay one word (tag keys,
    /// source, command, middle params) could otherwise inject params or lines, so there
    /// a space, CR, LF or NUL becomes '_', a leading ':' in a middle param (or a leading
    /// ':' or '@' in a command that would read as a source or tags) becomes '_', and an
    /// empty one becomes '*'; tag keys also have ';' and '=' turned into '_'.
    /// An empty source is left out.
    public func serialized() -> String {
        var out = ""
        let keptTags = tags.filter { !$0.key.isEmpty }
        if !keptTags.isEmpty {
            out += "@"
            out += keptTags.map { tag in
                let key = Self.word(tag.key, alsoReplacing: [Byte.semicolon, Byte.equals], badFirst: [])
                return tag.value.isEmpty ? key : key + "=" + Self.escapeTagValue(tag.value)
            }.joined(separator: ";")
            out += " "
        }
        let hasSource = source.map { !$0.isEmpty } ?? false
        if let source, hasSource {
            out += ":" + Self.word(source, badFirst: []) + " "
        }
        // A command first on the line could read as tags ('@') or, without a source
        // before it, as a source (':').
        let badFirst = hasSource ? [] : out.isEmpty ? [Byte.colon, Byte.at] : [Byte.colon]
        out += Self.word(command, badFirst: badFirst)
        for (index, param) in params.enumerated() {
            out += " "
            if index == params.count - 1 {
                let text = Self.replacing(param, [Byte.cr, Byte.lf, Byte.nul], with: Byte.space)
                if text.isEmpty || text.utf8.contains(Byte.space) || text.utf8.first == Byte.colon {
                    out += ":"
                }
                out += text
            } else {
                out += Self.word(param)
            }
        }
        return out
    }

    /// A part that must read back as exactly one space-free atom. `badFirst` are the bytes
    /// it may not start with: a middle param starting with ':' would take the rest of
    /// the line.
    private static func word(_ text: String, alsoReplacing extra: [UInt8] = [],
                             badFirst: [UInt8] = [Byte.colon]) -> String {
        guard !text.isEmpty else { return "*" }
        var bytes = Array(text.utf8)
        let unsafe = [Byte.space, Byte.cr, Byte.lf, Byte.nul] + extra
        for i in bytes.indices where unsafe.contains(bytes[i]) {
            bytes[i] = Byte.underscore
        }
        if let first = bytes.first, badFirst.contains(first) { bytes[0] = Byte.underscore }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func replacing(_ text: String, _ bad: [UInt8], with good: UInt8) -> String {
        guard text.utf8.contains(where: { bad.contains($0) }) else { return text }
        return String(decoding: text.utf8.map { bad.contains($0) ? good : $0 }, as: UTF8.self)
    }

    private static func escapeTagValue(_ value: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count)
        for byte in value.utf8 {
            switch byte {
            case Byte.semicolon: out += [Byte.backslash, UInt8(ascii: ":")]
            case Byte.space: out += [Byte.backslash, UInt8(ascii: "s")]
            case Byte.backslash: out += [Byte.backslash, Byte.backslash]
            case Byte.cr: out += [Byte.backslash, UInt8(ascii: "r")]
            case Byte.lf: out += [Byte.backslash, UInt8(ascii: "n")]
            case Byte.nul: out += [Byte.backslash, UInt8(ascii: "s")]  // NUL may not be sent: a space
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

// The protocol's framing bytes, named so the byte-level code above reads as IRC. Nested
// so that they cannot clash with other files of the module.
extension IRCMessage {
    enum Byte {
        static let nul: UInt8 = 0x00
        static let lf: UInt8 = 0x0A
        static let cr: UInt8 = 0x0D
        static let space = UInt8(ascii: " ")
        static let at = UInt8(ascii: "@")
        static let colon = UInt8(ascii: ":")
        static let semicolon = UInt8(ascii: ";")
        static let equals = UInt8(ascii: "=")
        static let backslash = UInt8(ascii: "\\")
        static let underscore = UInt8(ascii: "_")

        /// ASCII A-Z lowered, every other byte as it is (UTF-8 continuation bytes included).
        static func lowercased(_ byte: UInt8) -> UInt8 {
            (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
        }
    }
}
