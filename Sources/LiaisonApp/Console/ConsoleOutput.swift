import Foundation
import LiaisonCore

/// Writes the console network's messages: `-> TARGET: TEXT`, one line each, never empty.
struct ConsoleOutput {
    /// `names` gives the display name of a console identity.
    static func lines(for entry: OutboxEntry, name: (Identity) -> String) -> [String] {
        guard entry.kind == .message else { return [] }
        let target: String = switch entry.target {
        case .person(let id): name(id)
        case .channel(_, let channel): channel
        }
        return entry.text.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .map { "-> \(target): \($0)" }
    }

    static func write(_ lines: [String]) {
        guard !lines.isEmpty else { return }
        FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}
