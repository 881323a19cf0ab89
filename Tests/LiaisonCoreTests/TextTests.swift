import Foundation
import Testing
@testable import LiaisonCore
import LiaisonTestSupport

/// The sentences' helpers that every reply goes through.
@Suite struct TextTests {
    /// Foundation's Gregorian calendar in UTC, as the date used to be written.
    static func calendarDate(_ date: Date) -> String {
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d UTC", c.year!, c.month!, c.day!, c.hour!, c.minute!)
    }

    @Test func datesAreTheCalendarsInUTC() {
        var rng = SplitMix64(seed: 27)
        let fixed: [TimeInterval] = [0, -1, -60, 59, 951_782_400 /* 2000-02-29 */, 1_709_164_800 /* 2024-02-29 */,
                                     1_709_251_199, 4_102_444_799 /* 2099-12-31 23:59:59 */, 1_796_000_000.5]
        let random = (0..<5_000).map { _ in TimeInterval(Int64(rng.next() % 9_000_000_000) - 2_000_000_000) }
        for t in fixed + random {
            let date = Date(timeIntervalSince1970: t)
            #expect(Text.date(date) == Self.calendarDate(date), "\(t)")
        }
        #expect(Text.date(Date(timeIntervalSince1970: 1_764_252_300)) == "2025-11-27 14:05 UTC")
    }

    @Test func quotesKeepPlainTextAndCleanTheRest() {
        #expect(Text.quote("who knows about rust?") == "who knows about rust?")
        #expect(Text.quote("  two  spaces\tand a tab\r\n") == "two spaces and a tab")
        #expect(Text.quote("zero\u{200B}width") == "zero width")
        #expect(Text.quote("café au lait") == "café au lait")
        #expect(Text.quote(String(repeating: "a", count: 400), limit: 10) == "aaaaaaaaa…")
        #expect(Text.quote("") == "")
    }
}

/// Chat lines are split into tokens on their bytes when they are ASCII: the same tokens as
/// the general path, on every kind of piece people type.
@Suite struct ChatTokenTests {
    @Test func theASCIIPathSplitsAsTheGeneralOne() {
        var rng = SplitMix64(seed: 12)
        let alphabet = Array("abcXYZ019'-*_~`.,;:!?)]}\"([{/<>@#$%^&+=|\\")
        for _ in 0..<20_000 {
            let piece = String((0..<Int.random(in: 1...9, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            let fast = ChatToken.ascii(Substring(piece)), general = ChatToken.general(Substring(piece))
            #expect(fast == general, "\(piece)")
            if fast != general { return }
        }
        #expect(ChatToken.ascii("caf\u{E9}") == nil)
        #expect(ChatToken("*Rust*?") == ChatToken.general("*Rust*?"))
        #expect(ChatToken("*Rust*?").word == "rust" && ChatToken("*Rust*?").trailing == "?")
    }
}
