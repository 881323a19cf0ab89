/// Chat text as people read it, without the formatting codes that clients insert.
public enum ChatText {
    /// Removes inline formatting codes (\u{02} bold, \u{03} colour with optional "NN" or "NN,NN"
    /// digits, \u{04} hex colour with 6 hex digits and optional ",RRGGBB", \u{0F} reset,
    /// \u{11} monospace, \u{16} reverse, \u{1D} italic, \u{1E} strikethrough, \u{1F}
    /// underline) and every other C0 control character, DEL and C1 control, and the
    /// invisible bidirectional marks and overrides (U+061C, U+200E/F, U+202A-E, U+2066-9)
    /// and U+FEFF that could make a name read as something else; collapses runs of
    /// whitespace (line and paragraph separators included) to one space; trims.
    ///
    /// Tab, line feed, carriage return, vertical tab and form feed count as whitespace
    /// rather than being dropped, so the words on either side of them stay apart.
    public static func plain(_ text: String) -> String {
        if isPlainAlready(text) { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        var i = 0
        func emit(_ scalar: Unicode.Scalar) {
            if pendingSpace && !out.isEmpty { out.append(" ") }
            pendingSpace = false
            out.append(scalar)
        }
        while i < scalars.count {
            let scalar = scalars[i]
            i += 1
            switch scalar.value {
            case 0x03:
                i = skipColour(scalars, from: i, digits: 2, isDigit: isDecimal)
            case 0x04:
                i = skipColour(scalars, from: i, digits: 6, isDigit: isHex)
            case 0x09...0x0D:
                pendingSpace = true
            case 0x00...0x1F, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0xFEFF:
                continue
            default:
                if scalar.properties.isWhitespace { pendingSpace = true } else { emit(scalar) }
            }
        }
        return String(out)
    }

    /// Printable ASCII with single spaces between words only: what `plain` gives back
    /// unchanged (most nicks and names), known without building it again (an ask reads up
    /// to a thousand people's names).
    private static func isPlainAlready(_ text: String) -> Bool {
        var previous: UInt8 = 0x20   // a leading space is dropped: not plain already
        for byte in text.utf8 {
            guard byte >= 0x20, byte < 0x7F, !(byte == 0x20 && previous == 0x20) else { return false }
            previous = byte
        }
        return previous != 0x20 || text.isEmpty
    }

    /// Skips the colour arguments after \u{03} (1-2 decimal digits, optional ",1-2") or
    /// \u{04} (exactly 6 hex digits, optional ",6"). A comma is consumed only when a
    /// background colour follows it, so "\u{03}4,x" keeps ",x" as text.
    private static func skipColour(_ s: [Unicode.Scalar], from start: Int, digits: Int,
                                   isDigit: (Unicode.Scalar) -> Bool) -> Int {
        func run(_ from: Int) -> Int {
            var n = 0
            while n < digits, from + n < s.count, isDigit(s[from + n]) { n += 1 }
            // hex colours are all six digits or none
            return digits == 6 && n != 6 ? 0 : n
        }
        let foreground = run(start)
        guard foreground > 0 else { return start }
        var i = start + foreground
        if i < s.count, s[i] == ",", case let background = run(i + 1), background > 0 {
            i += 1 + background
        }
        return i
    }

    private static func isDecimal(_ s: Unicode.Scalar) -> Bool { ("0"..."9").contains(s) }

    private static func isHex(_ s: Unicode.Scalar) -> Bool {
        isDecimal(s) || ("a"..."f").contains(s) || ("A"..."F").contains(s)
    }
}
