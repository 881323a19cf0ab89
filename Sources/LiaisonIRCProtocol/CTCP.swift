/// Client-to-client protocol messages carried inside PRIVMSG and NOTICE text:
/// `\u{01}VERSION\u{01}`, `\u{01}ACTION waves\u{01}`.
public enum CTCP {
    private static let delimiter: Unicode.Scalar = "\u{01}"

    /// The command (upper-cased, since CTCP commands are case-insensitive) and the
    /// argument ("" when there is none) of a CTCP message, or nil when `text` is plain
    /// text. A missing final \u{01} is tolerated, as several clients omit it; anything
    /// after a final \u{01} is ignored.
    public static func parse(_ text: String) -> (command: String, argument: String)? {
        let scalars = text.unicodeScalars
        guard scalars.first == delimiter else { return nil }
        let body = scalars.dropFirst().prefix(while: { $0 != delimiter })
        let space = body.firstIndex(of: " ")
        let command = String(body[..<(space ?? body.endIndex)])
        guard !command.isEmpty else { return nil }
        let argument = space.map { String(body[body.index(after: $0)...]) } ?? ""
        return (command.uppercased(), argument)
    }

    /// `\u{01}COMMAND argument\u{01}`; no space when the argument is nil or empty.
    /// A \u{01} inside the command or argument would end the message early, so it is
    /// removed from the command (as is a space, which would move the command/argument
    /// split) and becomes a space in the argument.
    public static func encode(_ command: String, _ argument: String?) -> String {
        var out = String.UnicodeScalarView([delimiter])
        out += command.unicodeScalars.filter { $0 != delimiter && $0 != " " }
        if let argument, !argument.isEmpty {
            out.append(" ")
            out += argument.unicodeScalars.map { $0 == delimiter ? " " : $0 }
        }
        out.append(delimiter)
        return String(out)
    }
}
