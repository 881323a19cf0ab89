import Foundation

/// How a network compares nicks, channels and accounts, from its ISUPPORT `CASEMAPPING`.
public enum IRCCasemapping: String, Sendable {
    /// Only A-Z fold to a-z.
    case ascii
    /// A-Z plus `[\]^` fold to `{|}~`: the RFC 1459 default, because Scandinavian
    /// character sets put letters there. (Servers fold bytes 0x41-0x5E up by 0x20, so
    /// `^` folds to `~`; the pairs compare equal whichever way one reads them.)
    case rfc1459
    /// As `rfc1459` without the `^`/`~` pair.
    case rfc1459Strict = "rfc1459-strict"
    /// Unicode nicks (PRECIS): full Unicode lowercasing.
    case rfc7613

    /// Reads the value of ISUPPORT `CASEMAPPING=`; an unknown or missing value gives
    /// `rfc1459`, the default that RFC 1459 servers assume. `strict-rfc1459`, the older
    /// spelling some servers still send, reads as `rfc1459Strict`.
    public init(isupport value: String) {
        let name = value.lowercased()
        self = IRCCasemapping(rawValue: name) ?? (name == "strict-rfc1459" ? .rfc1459Strict : .rfc1459)
    }

    /// `s` folded so that two names are the same exactly when their folds are equal.
    public func fold(_ s: String) -> String {
        switch self {
        // The three byte foldings differ only in how far past 'Z' the range goes, as in
        // the servers' own tables: 'Z', then ']' (adds `[\]`), then '^' (adds `^`).
        case .ascii: return Self.foldBytes(s, upTo: UInt8(ascii: "Z"))
        case .rfc1459Strict: return Self.foldBytes(s, upTo: UInt8(ascii: "]"))
        case .rfc1459: return Self.foldBytes(s, upTo: UInt8(ascii: "^"))
        // NFC after lowering so that precomposed and decomposed accents compare equal,
        // as PRECIS normalises them.
        case .rfc7613: return s.lowercased().precomposedStringWithCanonicalMapping
        }
    }

    /// Folds byte by byte: every byte that changes is ASCII, and UTF-8 never uses ASCII
    /// bytes inside a multi-byte character, so the result stays valid UTF-8.
    private static func foldBytes(_ s: String, upTo last: UInt8) -> String {
        let folded = s.utf8.map { byte in
            (UInt8(ascii: "A")...last).contains(byte) ? byte + 0x20 : byte
        }
        return String(decoding: folded, as: UTF8.self)
    }
}
