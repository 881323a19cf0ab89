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
        // Most text is printable ASCII with single spaces already: kept as it is.
        if isPlainLine(text), text.utf8.count <= limit { return text }
        let oneLine = String(String.UnicodeScalarView(text.unicodeScalars.map {
            CharacterSet.controlCharacters.contains($0) ? " " : $0
        }))
        let collapsed = oneLine.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        guard collapsed.count > limit else { return collapsed }
        return String(collapsed.prefix(limit - 1)) + "…"
    }

    /// Printable ASCII, no space at either end and none doubled: what `quote` would leave.
    static func isPlainLine(_ text: String) -> Bool {
        var afterSpace = true
        for byte in text.utf8 {
            if byte < 0x20 || byte >= 0x7F { return false }
            if byte == 0x20 {
                if afterSpace { return false }
                afterSpace = true
            } else {
                afterSpace = false
            }
        }
        return !afterSpace || text.isEmpty
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
        // The civil calendar from days since 1970 (H. Hinnant's days_from_civil, inverted):
        // no Calendar or TimeZone, which cost more than the rest of a reply.
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : -((-seconds + 86_399) / 86_400)
        let secondOfDay = seconds - days * 86_400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(year)-\(two(month))-\(two(day)) \(two(secondOfDay / 3_600)):\(two(secondOfDay % 3_600 / 60)) UTC"
    }
}
