/// The HTML twin of a message body: escaped, line breaks kept, and every Matrix user ID
/// turned into a mention pill (`https://matrix.to/#/@user:server`).
enum MatrixHTML {
    static func format(_ body: String) -> (html: String, mentioned: [String]) {
        var html = ""
        var mentioned: [String] = []
        for (i, line) in body.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if i > 0 { html += "<br>" }
            var words: [String] = []
            for word in line.split(separator: " ", omittingEmptySubsequences: false) {
                words.append(pill(String(word), &mentioned) ?? escape(String(word)))
            }
            html += words.joined(separator: " ")
        }
        return (html, mentioned)
    }

    /// "(@alice:example.org)." -> "(" + pill + ")."
    static func pill(_ word: String, _ mentioned: inout [String]) -> String? {
        guard let at = word.firstIndex(of: "@") else { return nil }
        var end = word.endIndex
        while end > at, let last = word[at..<end].last, ").,;!?\"'".contains(last) { end = word.index(before: end) }
        let id = String(word[at..<end])
        guard isUserID(id) else { return nil }
        if !mentioned.contains(id) { mentioned.append(id) }
        return escape(String(word[..<at])) + "<a href=\"https://matrix.to/#/\(escape(id))\">\(escape(id))</a>" + escape(String(word[end...]))
    }

    static func isUserID(_ s: String) -> Bool {
        guard s.hasPrefix("@"), let colon = s.firstIndex(of: ":"), colon > s.index(after: s.startIndex),
              s.index(after: colon) < s.endIndex else { return false }
        return s.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F && $0 != "<" && $0 != ">" && $0 != "\"" }
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}
