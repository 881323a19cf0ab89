import Foundation
/// A person on one network: `NETWORK:ID` (SPEC §1).
///
/// The transport canonicalises `id` before building an identity (the server's case rules
/// for an account, lower-cased console names), so equality here is plain string equality.
public struct Identity: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    public let network: String
    public let id: String

    public init(network: String, id: String) {
        self.network = network
        self.id = id
    }

    /// Parses `NETWORK:ID` as typed by an admin or written in bot.conf.
    /// The console ID is lower-cased; others are kept as typed.
    public init?(parsing raw: String) {
        let text = raw.trimmingCharacters(in: .whitespaces)
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let network = String(text[..<colon])
        var id = String(text[text.index(after: colon)...])
        guard NetworkName.isValid(network) || network == NetworkName.console, !id.isEmpty,
              !id.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 32 } == true })
        else { return nil }
        if network == NetworkName.console { id = id.lowercased() }
        self.network = network
        self.id = id
    }

    public static func console(_ name: String) -> Identity {
        Identity(network: NetworkName.console, id: name.lowercased())
    }

    /// The stored and displayed form, `NETWORK:ID`.
    public var raw: String { network + ":" + id }
    public var description: String { raw }

    /// The order of `raw`. Within one network (the common case: sorting an ask's thousand
    /// candidates) that is the order of the ids, compared without building `raw` twice per
    /// comparison: both share the prefix "NETWORK:".
    public static func < (a: Identity, b: Identity) -> Bool {
        a.network == b.network ? a.id < b.id : a.raw < b.raw
    }
}

/// Network names: `console`, or the NAME of an `[irc.NAME]` / `[matrix.NAME]` section.
public enum NetworkName {
    public static let console = "console"

    /// `[a-z0-9_-]+`
    public static func isValid(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { c in
            (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x5F || c == 0x2D
        }
    }
}
