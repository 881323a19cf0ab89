/// Making user text fit IRC: one line, at most 512 bytes.
public enum IRCText {
    /// Control characters that carry meaning inside a line and so are kept: CTCP
    /// (\u{01}) and formatting (bold, colour, reset, monospace, reverse, italic,
    /// strikethrough, underline).
    private static let keptControls: Set<UInt32> = [0x01, 0x02, 0x03, 0x0F, 0x11, 0x16, 0x1D, 0x1E, 0x1F]

    /// User text made safe for one IRC line: CR, LF and NUL, and every other C0 control
    /// except \u{01} (CTCP) and \u{02}\u{03}\u{0F}\u{11}\u{16}\u{1D}\u{1E}\u{1F}
    /// (formatting), become spaces, so the words on either side stay apart.
    public static func sanitize(_ text: String) -> String {
        spaced(text, where: isUnsafe)
    }

    /// A line of the bot's own message made safe for PRIVMSG: every control character,
    /// CTCP's \u{01} and the formatting codes included, and DEL and the C1 controls become
    /// spaces. The bot never sends CTCP or formatting in a message, so a CTCP request or a
    /// colour on the wire can only have come from somebody's text: none gets through.
    public static func plainLine(_ text: String) -> String {
        spaced(text, where: isControl)
    }

    /// `text` with every scalar that `matches` made a space.
    private static func spaced(_ text: String, where matches: (Unicode.Scalar) -> Bool) -> String {
        guard text.unicodeScalars.contains(where: matches) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            out.append(matches(scalar) ? " " : scalar)
        }
        return String(out)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    private static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 && !keptControls.contains(scalar.value)
    }

    /// Splits text into chunks of at most `maxBytes` UTF-8 bytes each.
    ///
    /// A chunk ends at a space when one lies in its second half (the space is dropped),
    /// else at a grapheme boundary, and only a grapheme bigger than `maxBytes` (a long
    /// run of combining marks) is cut between its Unicode scalars. Never cuts inside a
    /// scalar; a scalar bigger than `maxBytes` (only when `maxBytes` < 4) is dropped,
    /// since it cannot be sent at all. No chunk is empty, and the leading spaces of a
    /// continuation are dropped. Empty text, or `maxBytes` < 1, gives no chunks.
    public static func split(_ text: String, maxBytes: Int) -> [String] {
        guard maxBytes > 0, !text.isEmpty else { return [] }
        if text.utf8.count <= maxBytes { return [text] }

        let units = pieces(text, maxBytes: maxBytes)
        var chunks: [String] = []
        var start = 0
        while start < units.count {
            // The longest run of units from `start` that fits, and where a word break
            // could go: index k means "cut before units[k]".
            var end = start
            var bytes = 0
            var breakAt: Int?
            // A line reads best when it ends a sentence, then a clause, then a word.
            var sentenceAt: Int?
            var clauseAt: Int?
            while end < units.count, bytes + units[end].bytes <= maxBytes {
                if units[end].isSpace, end > start {
                    if bytes >= maxBytes / 2 { breakAt = end }
                    let before = units[end - 1].text
                    if bytes >= maxBytes * 2 / 5, [".", "?", "!", "…"].contains(before) { sentenceAt = end }
                    if bytes >= maxBytes / 2, [",", ";", ":", ")"].contains(before) { clauseAt = end }
                }
                bytes += units[end].bytes
                end += 1
            }
            if end < units.count, units[end].isSpace, end > start {
                breakAt = end
                if [".", "?", "!", "…"].contains(units[end - 1].text) { sentenceAt = end }
            }
            var cut = end
            if end < units.count, let best = sentenceAt ?? clauseAt ?? breakAt { cut = best }
            // Trailing spaces at a word break belong to the gap, not to the chunk.
            var last = cut
            if cut < units.count {
                while last > start + 1, units[last - 1].isSpace { last -= 1 }
            }
            chunks.append(units[start..<last].map(\.text).joined())
            start = cut
            while start < units.count, units[start].isSpace { start += 1 }
        }
        return chunks
    }

    /// The text as units that may not be cut: graphemes, or the scalars of a grapheme
    /// too big for one chunk.
    private static func pieces(_ text: String, maxBytes: Int) -> [(text: String, bytes: Int, isSpace: Bool)] {
        var units: [(text: String, bytes: Int, isSpace: Bool)] = []
        for character in text {
            let size = character.utf8.count
            if size <= maxBytes {
                units.append((String(character), size, character == " "))
                continue
            }
            for scalar in character.unicodeScalars where scalar.utf8.count <= maxBytes {
                units.append((String(scalar), scalar.utf8.count, false))
            }
        }
        return units
    }

    /// Bytes left for `text` in `COMMAND target :text` so that the line other clients
    /// receive, `:nick!user@host COMMAND target :text\r\n`, fits in `lineLimit` (512, or
    /// the server's LINELEN when advertised). The server adds the source, so it counts.
    /// When the bot's user or host is unknown, assume the usual maxima: user 10 bytes
    /// (USERLEN) and host 63 (a DNS label limit that cloaks also respect). Never negative.
    public static func payloadBudget(command: String, target: String, nick: String,
                                     user: String?, host: String?, lineLimit: Int = 512) -> Int {
        let userBytes = user?.utf8.count ?? 10
        let hostBytes = host?.utf8.count ?? 63
        // ":" nick "!" user "@" host " " command " " target " :" text "\r\n"
        let overhead = 1 + nick.utf8.count + 1 + userBytes + 1 + hostBytes
            + 1 + command.utf8.count + 1 + target.utf8.count + 2 + 2
        return max(0, lineLimit - overhead)
    }
}
