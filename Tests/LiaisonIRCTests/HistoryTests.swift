import Foundation
import Testing
@testable import LiaisonIRC

/// After a crash, rows written without an echo are looked for in the server's history: only
/// what is certainly there counts as delivered; anything else goes again (at least once).
@Suite struct HistoryTests {
    @Test func rowsWhoseLinesEndTheHistoryCountAsDelivered() {
        let rows: [(id: Int64, lines: [String])] = [(1, ["offer #1", "reply accept 1"]), (2, ["intro #2"]), (3, ["thanks"])]
        // Everything arrived, after older lines of the bot's.
        #expect(IRCClient.foundInHistory(rows, history: ["hello", "offer #1", "reply accept 1", "intro #2", "thanks"]) == [1, 2, 3])
        // The crash cut the write after the second row.
        #expect(IRCClient.foundInHistory(rows, history: ["hello", "offer #1", "reply accept 1", "intro #2"]) == [1, 2])
        // Half of a row is not the row: it goes again whole.
        #expect(IRCClient.foundInHistory(rows, history: ["offer #1"]) == [])
        #expect(IRCClient.foundInHistory(rows, history: []) == [])
        // Lines of these rows, but not the newest of the bot's: something else came after
        // them, so they are older sends of the same words, not these rows.
        #expect(IRCClient.foundInHistory(rows, history: ["offer #1", "reply accept 1", "something later"]) == [])
        #expect(IRCClient.foundInHistory([(7, [])], history: ["x"]) == [])
    }

    @Test func serverTimesAreReadWithAndWithoutFractions() {
        #expect(IRCClient.serverTime("2026-01-02T03:04:05.678Z").map { abs($0.timeIntervalSince1970 - 1_767_323_045.678) < 0.001 } == true)
        #expect(IRCClient.serverTime("2026-01-02T03:04:05Z")?.timeIntervalSince1970 == 1_767_323_045)
        #expect(IRCClient.serverTime("yesterday") == nil)
        #expect(IRCClient.serverTime("") == nil)
    }
}
