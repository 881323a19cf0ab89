public import Foundation

/// Durations as bot.conf and chat commands write them: `90s`, `30m`, `48h`, `7d`, `2w`.
public enum DurationText {
    /// Seconds for `text`, or nil when it is not of the form NUMBER UNIT.
    /// `0s` parses; whether zero is allowed is the caller's decision.
    public static func parse(_ text: String) -> TimeInterval? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let unit = t.last, let n = Int(t.dropLast()), n >= 0, t.dropLast().allSatisfy(\.isASCII),
              t.dropLast().allSatisfy(\.isNumber) else { return nil }
        let scale: TimeInterval
        switch unit {
        case "s": scale = 1
        case "m": scale = 60
        case "h": scale = 3600
        case "d": scale = 86_400
        case "w": scale = 604_800
        default: return nil
        }
        guard n <= 100 * 52 else { return nil } // keep far-future dates sane
        return TimeInterval(n) * scale
    }

    /// The shortest exact form: 172800 -> "2d", 90 -> "90s".
    public static func format(_ seconds: TimeInterval) -> String {
        let s = Int(seconds.rounded())
        for (unit, size) in [("w", 604_800), ("d", 86_400), ("h", 3600), ("m", 60)] where s >= size && s % size == 0 {
            return "\(s / size)\(unit)"
        }
        return "\(s)s"
    }

    /// The exact human form: 5400 -> "1 hour and 30 minutes", 172800 -> "2 days".
    public static func exact(_ seconds: TimeInterval) -> String {
        var s = max(0, Int(seconds.rounded()))
        var parts: [String] = []
        for (name, size) in [("week", 604_800), ("day", 86_400), ("hour", 3600), ("minute", 60), ("second", 1)] where s >= size {
            parts.append(Text.plural(s / size, name))
            s %= size
        }
        return parts.isEmpty ? "0 seconds" : Text.list(parts)
    }

    /// A rough human form for messages: "3 days", "5 minutes".
    public static func humanize(_ seconds: TimeInterval) -> String {
        let s = max(0, Int(seconds.rounded()))
        let parts: [(String, Int)] = [("week", 604_800), ("day", 86_400), ("hour", 3600), ("minute", 60)]
        for (name, size) in parts where s >= size {
            let n = s / size
            return "\(n) \(name)\(n == 1 ? "" : "s")"
        }
        return "\(s) second\(s == 1 ? "" : "s")"
    }
}
