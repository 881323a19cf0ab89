import LiaisonIRCProtocol
import Logging
import Foundation
import LiaisonCore

/// After a crash or a lost connection, lines written without their echo may have reached
/// the server all the same; sent again, one introduction arrives twice. Where the server
/// keeps history (`draft/chathistory`), the bot reads its own latest lines to that target
/// first and counts those it finds as delivered. Delivery stays at least once: whatever is
/// not found is sent again.
extension IRCClient {
    struct HistoryCheck {
        var target: Target
        /// The name written to (a nick or a channel).
        var wire: String
        var entries: [OutboxEntry]
        var asked: Date
        /// The bot's own lines to the target in the reply, oldest first.
        var lines: [(text: String, time: Date)] = []
    }

    /// A batch the server opened: lines tagged with it are history when it is one.
    struct OpenBatch {
        var isHistory: Bool
        var target: String
        /// Inside another batch (a multiline message in a history batch): its end ends nothing.
        var nested: Bool
        /// The batch's own `time` tag: the lines of a multiline message in history carry none.
        var time: Date?
    }

    /// History can settle whether a line arrived only where it is kept (chathistory), read in
    /// a batch, timed (server-time) and where an echo confirms what arrives live.
    var checksHistory: Bool {
        !historyRefused && (session.has("draft/chathistory") || session.has("chathistory"))
            && session.has("batch") && session.has("echo-message") && session.has("server-time")
    }

    /// Whether `entry` waits for the server's history: it was written on an earlier connection
    /// and never confirmed, or another message to the same target is being looked for.
    func awaitsHistory(_ entry: OutboxEntry, wire target: String) -> Bool {
        let key = users.fold(target)
        if var check = historyChecks[key] {
            if entry.writtenAt != nil {
                check.entries.append(entry)
                historyChecks[key] = check
            }
            return true
        }
        guard entry.writtenAt != nil, checksHistory, historyAsked.count < 1000, historyAsked.insert(key).inserted else { return false }
        historyChecks[key] = HistoryCheck(target: entry.target, wire: target, entries: [entry], asked: now())
        let offered = Int(session.isupport["CHATHISTORY"] ?? "").flatMap { $0 > 0 ? $0 : nil } ?? 100
        send(priority: IRCMessage(command: "CHATHISTORY", params: ["LATEST", target, "*", String(min(100, offered))]))
        return true
    }

    /// Targets whose rows wait for a history reply (left out of outbox reads meanwhile).
    var historyTargets: Set<Target> { Set(historyChecks.values.map(\.target)) }

    /// BATCH +ref type [target] / BATCH -ref.
    func batch(_ message: IRCMessage) async {
        guard let first = message.params.first, first.count > 1 else { return }
        let ref = String(first.dropFirst())
        if first.hasPrefix("+") {
            // A server that opens batches and never closes them must not grow this without bound.
            if openBatches.count >= 256 { openBatches.removeAll() }
            if let parent = message.tag("batch").flatMap({ openBatches[$0] }), parent.isHistory {
                openBatches[ref] = OpenBatch(isHistory: true, target: parent.target, nested: true,
                                             time: message.tag("time").flatMap(Self.serverTime))
            } else {
                let type = message.params.count >= 2 ? message.params[1].lowercased() : ""
                openBatches[ref] = OpenBatch(isHistory: type == "chathistory" || type == "draft/chathistory",
                                             target: message.params.count >= 3 ? message.params[2] : "", nested: false, time: nil)
            }
        } else if first.hasPrefix("-"), let closed = openBatches.removeValue(forKey: ref), closed.isHistory, !closed.nested {
            let key = users.fold(closed.target)
            // A reply names its target; one that does not answers the oldest question.
            let answered = historyChecks[key] != nil ? key : historyChecks.min { $0.value.asked < $1.value.asked }?.key
            if let answered { await settleHistory(answered) }
        }
    }

    /// A line inside a history batch: never handled as live; the bot's own lines are noted.
    func historyLine(_ message: IRCMessage, in batch: OpenBatch) {
        guard message.verb == .privmsg, message.params.count >= 2,
              let nick = message.source.map(IRCSource.parse)?.nick,
              isMe(nick) || users.fold(nick) == users.fold(session.desiredNick),
              let time = message.tag("time").flatMap(Self.serverTime) ?? batch.time else { return }
        let key = users.fold(message.params[0])
        guard var check = historyChecks[key], check.lines.count < 1000 else { return }
        check.lines.append((message.params[1], time))
        historyChecks[key] = check
    }

    /// The history reply is complete: the unconfirmed rows were written in order, after any
    /// row that was confirmed, so what reached the server is the start of their lines, and
    /// it ends the bot's lines there. Rows wholly found count as delivered; the rest go again.
    func settleHistory(_ key: String) async {
        guard let check = historyChecks.removeValue(forKey: key) else { return }
        defer { wake.signal() }
        let entries = check.entries.sorted { $0.id < $1.id }
        let since = (entries.compactMap(\.writtenAt).min() ?? .distantPast).addingTimeInterval(-Self.clockSkew)
        let found = check.lines.filter { $0.time >= since }.map(\.text)
        let expected = entries.map { (id: $0.id, lines: chunks($0.text, to: check.wire)) }
        let done = Self.foundInHistory(expected, history: found)
        guard !done.isEmpty else { return }
        for id in done { inFlight[id] = Self.delivered }
        await host.delivered(done)
        logger.info("\(settings.network): \(done.count) message(s) written before the reconnect found in the server's history; not sent again")
    }

    /// How far the server's clock may be behind ours and a line still count as this row's.
    static let clockSkew: TimeInterval = 5

    /// The rows (oldest first, with their lines) whose every line is among the newest of
    /// `history` (the bot's lines to the target, oldest first): the longest start of the
    /// rows' lines that is also the end of the history.
    static func foundInHistory(_ rows: [(id: Int64, lines: [String])], history: [String]) -> [Int64] {
        let flat = rows.flatMap(\.lines)
        var matched = 0
        for k in stride(from: min(flat.count, history.count), to: 0, by: -1)
        where Array(history.suffix(k)) == Array(flat.prefix(k)) {
            matched = k
            break
        }
        var covered = 0
        var done: [Int64] = []
        for row in rows where !row.lines.isEmpty {
            guard covered + row.lines.count <= matched else { break }
            covered += row.lines.count
            done.append(row.id)
        }
        return done
    }

    /// No answer, or a refusal (FAIL CHATHISTORY, 421): the rows go out as before.
    func abandonHistory(_ keys: [String]) {
        for key in keys { historyChecks[key] = nil }
        wake.signal()
    }

    /// A `time` tag: `2026-01-01T00:00:00.000Z`.
    static func serverTime(_ text: String) -> Date? {
        (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
            ?? (try? Date(text, strategy: Date.ISO8601FormatStyle()))
    }
}
