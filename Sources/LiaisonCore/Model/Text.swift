public import Foundation

/// Small helpers for the sentences the bot writes.
public enum Text {
    /// "a", "a and b", "a, b and c".
    public static func list(_ items: [String]) -> String {
        switch items.count {
        case 0: return ""
        case 1: return items[0]
        default: return items.dropLast().joined(separator: ", ") + " and " + (items.last ?? "")
        }
    }

    /// User text inside a bot sentence: one line, no control characters, at most `limit` characters.
    public static func quote(_ text: String, limit: Int = 300) -> String {
        let oneLine = String(String.UnicodeScalarView(text.unicodeScalars.map {
            CharacterSet.controlCharacters.contains($0) ? " " : $0
        }))
        let collapsed = oneLine.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        guard collapsed.count > limit else { return collapsed }
        return String(collapsed.prefix(limit - 1)) + "…"
    }

    /// A quotation that ends a sentence: `"who knows?"` stays, `"tax law"` gets its full
    /// stop after the closing quote, so no sentence ends in `?".`.
    public static func quotedEnd(_ text: String) -> String {
        guard let last = text.last else { return "\"\"." }
        return "\"\(text)\"" + (".?!…".contains(last) ? "" : ".")
    }

    public static func plural(_ n: Int, _ word: String, _ plural: String? = nil) -> String {
        "\(n) \(n == 1 ? word : (plural ?? word + "s"))"
    }

    /// A date in UTC, to the minute: "2026-11-27 14:05 UTC".
    public static func date(_ date: Date) -> String {
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC") ?? .current, from: date)
        func two(_ n: Int?) -> String { String(format: "%02d", n ?? 0) }
        return "\(c.year ?? 0)-\(two(c.month))-\(two(c.day)) \(two(c.hour)):\(two(c.minute)) UTC"
    }
}
