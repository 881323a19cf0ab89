import Foundation

/// The content of an `m.room.message` as the bot sends it, and the splitting of a body too
/// long for one event. A room event may be at most 65,536 bytes as the homeserver signs and
/// stores it; the body, its HTML twin and the mentions must leave room for the envelope
/// (IDs, hashes, signatures, auth and prev events), so each part's content stays under
/// `budget`. Parts split at line breaks, else between words, else between characters, and
/// the same text always splits the same way, so a retried send (same transaction IDs) posts
/// nothing twice.
enum MatrixText {
    static let budget = 48_000

    static func content(_ text: String) -> [String: Any] {
        let (html, mentioned) = MatrixHTML.format(text)
        return [
            "msgtype": "m.text",
            "body": text,
            "format": "org.matrix.custom.html",
            "formatted_body": html,
            "m.mentions": ["user_ids": mentioned],
        ]
    }

    static func size(_ text: String) -> Int {
        (try? JSONSerialization.data(withJSONObject: content(text)).count) ?? Int.max
    }

    /// The parts to send, in order; one part when the text fits.
    static func split(_ text: String, budget: Int = budget) -> [String] {
        if size(text) <= budget { return [text] }
        let characters = Array(text)
        guard characters.count > 1 else { return [text] }
        let cut = cutPoint(characters)
        let head = String(characters[..<cut.end])
        let tail = String(characters[cut.resume...])
        return [head, tail].filter { !$0.isEmpty }.flatMap { split($0, budget: budget) }
    }

    /// Where to cut: a line break nearest the middle, else a space, else the middle itself.
    /// `end` is where the first part stops, `resume` where the second starts (the break
    /// itself is dropped).
    private static func cutPoint(_ characters: [Character]) -> (end: Int, resume: Int) {
        let middle = characters.count / 2
        for separator: Character in ["\n", " "] {
            var best: Int?
            for (i, c) in characters.enumerated() where c == separator && i > 0 && i < characters.count - 1 {
                if best.map({ abs(i - middle) < abs($0 - middle) }) ?? true { best = i }
            }
            // A break far off the middle would leave one part nearly as long as the whole;
            // take it only within the middle half, so parts shrink quickly.
            if let best, abs(best - middle) <= characters.count / 4 { return (best, best + 1) }
        }
        return (middle, middle)
    }
}
