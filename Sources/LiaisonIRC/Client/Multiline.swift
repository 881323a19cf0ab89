import LiaisonIRCProtocol
/// IRCv3 `draft/multiline`: a message of several lines goes as one BATCH, so clients that
/// support it show one message instead of several. Pure, so the framing is tested without
/// sockets; clients without the capability get the same lines as separate messages from
/// the server.
public struct Multiline: Sendable, Equatable {
    /// The most bytes of text one batch may carry (its lines, and a line break between each).
    public var maxBytes: Int
    /// The most lines one batch may carry, when the server says.
    public var maxLines: Int?

    public init(maxBytes: Int, maxLines: Int?) {
        self.maxBytes = maxBytes
        self.maxLines = maxLines
    }

    /// From the capability's value, `max-bytes=4096,max-lines=24`; nil without a usable
    /// `max-bytes` (the specification requires it).
    public init?(capValue: String) {
        var bytes: Int?
        var lines: Int?
        for pair in capValue.split(separator: ",") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, let value = Int(kv[1]), value > 0 else { continue }
            if kv[0] == "max-bytes" { bytes = value }
            if kv[0] == "max-lines" { lines = value }
        }
        guard let bytes else { return nil }
        self.init(maxBytes: bytes, maxLines: lines)
    }

    /// Consecutive lines grouped so that each group keeps within the limits. A line too
    /// long for any batch is a group of its own (it goes as a plain message).
    public func groups(_ lines: [String]) -> [[String]] {
        var groups: [[String]] = []
        var current: [String] = []
        var bytes = 0
        for line in lines {
            let size = line.utf8.count
            let added = current.isEmpty ? size : bytes + 1 + size
            if !current.isEmpty, added > maxBytes || current.count >= (maxLines ?? Int.max) {
                groups.append(current)
                current = [line]
                bytes = size
            } else {
                current.append(line)
                bytes = added
            }
        }
        if !current.isEmpty { groups.append(current) }
        return groups
    }

    /// The wire lines of one batch: `BATCH +ref draft/multiline target`, each line tagged
    /// with the batch, then `BATCH -ref`.
    public static func frame(_ lines: [String], target: String, reference: String) -> [String] {
        [IRCMessage(command: "BATCH", params: ["+" + reference, "draft/multiline", target]).serialized()]
            + lines.map { IRCMessage(tags: [(key: "batch", value: reference)], command: "PRIVMSG", params: [target, $0]).serialized() }
            + [IRCMessage(command: "BATCH", params: ["-" + reference]).serialized()]
    }
}
