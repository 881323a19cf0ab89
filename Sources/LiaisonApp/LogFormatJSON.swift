import Foundation
import Logging

/// `[bot] log_format = json`: one JSON object per line on stderr, for journald and log
/// shippers: `{"time":…,"level":…,"label":…,"message":…}` plus any metadata. The same events as
/// the text format, so the same guarantee holds: secrets are never in them (the config holds
/// only where a secret is read from, and transports never log what they send to log in).
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    /// Where finished lines go (stderr; a test can capture them).
    let write: @Sendable (String) -> Void

    init(label: String, write: @escaping @Sendable (String) -> Void = JSONLogHandler.standardError) {
        self.label = label
        self.write = write
    }

    static let standardError: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data(line.utf8))
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields = metadata
        if let provided = metadataProvider?.get() { fields.merge(provided) { _, new in new } }
        if let extra = event.metadata { fields.merge(extra) { _, new in new } }
        write(Self.line(time: Date(), level: event.level, label: label, message: event.message.description, metadata: fields))
    }

    /// One object and a newline; the fixed keys come first so a person can read it too.
    static func line(time: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> String {
        var out = "{\"time\":" + quote(timestamp(time)) + ",\"level\":" + quote(level.rawValue)
            + ",\"label\":" + quote(label) + ",\"message\":" + quote(message)
        for key in metadata.keys.sorted() where !["time", "level", "label", "message"].contains(key) {
            if let value = metadata[key] { out += "," + quote(key) + ":" + json(value) }
        }
        return out + "}\n"
    }

    static func json(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let s): quote(s)
        case .stringConvertible(let c): quote(c.description)
        case .array(let items): "[" + items.map(json).joined(separator: ",") + "]"
        case .dictionary(let d): "{" + d.keys.sorted().map { quote($0) + ":" + json(d[$0] ?? .string("")) }.joined(separator: ",") + "}"
        }
    }

    /// A JSON string: quotes, backslashes and every control character escaped, so a line of
    /// log can never be split or forged by what a user typed.
    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || scalar == "\u{2028}" || scalar == "\u{2029}":
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// RFC 3339 in UTC with milliseconds.
    static func timestamp(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var t = time_t(millis / 1000)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(millis % 1000))
    }
}
