import Foundation
import Testing
@testable import LiaisonIRC

@Suite struct FloodQueueTests {
    let t0 = Date(timeIntervalSince1970: 1_000_000)

    @Test func aBurstThenOneLinePerInterval() {
        var q = FloodQueue(burst: 5, interval: 1, now: t0)
        for i in 0..<8 { q.push(.init("line \(i)"), target: "bob") }
        var sent = 0
        while case (let line?, _) = q.next(now: t0) { _ = line; sent += 1 }
        #expect(sent == 5)
        let (none, wait) = q.next(now: t0)
        #expect(none == nil && wait.map { $0 > 0.99 && $0 <= 1 } == true)
        #expect(q.next(now: t0.addingTimeInterval(1)).line?.text == "line 5")
        #expect(q.next(now: t0.addingTimeInterval(1)).line == nil)
    }

    @Test func protocolLinesJumpTheQueueAndTheBucket() {
        var q = FloodQueue(burst: 1, interval: 10, now: t0)
        q.push(.init("PRIVMSG bob :a"), target: "bob")
        q.push(.init("PRIVMSG bob :b"), target: "bob")
        _ = q.next(now: t0)
        q.pushPriority(.init("PONG :x"))
        #expect(q.next(now: t0).line?.text == "PONG :x")
    }

    @Test func targetsTakeTurnsSoOneFloodCannotDelayOthers() {
        var q = FloodQueue(burst: 100, interval: 1, now: t0)
        for i in 0..<10 { q.push(.init("flood \(i)"), target: "mallory") }
        q.push(.init("reply"), target: "alice")
        let order = (0..<4).compactMap { _ in q.next(now: t0).line?.text }
        #expect(order == ["flood 0", "reply", "flood 1", "flood 2"])
    }

    /// A multiline batch is written whole (nothing may come between its lines) and paid for
    /// line by line, so the rate holds on average.
    @Test func aBatchGoesWholeAndIsPaidForInFull() {
        var q = FloodQueue(burst: 2, interval: 1, now: t0)
        q.push(.init("BATCH +b", more: ["@batch=b PRIVMSG bob :1", "@batch=b PRIVMSG bob :2", "BATCH -b"]), target: "bob")
        q.push(.init("PRIVMSG carol :hi"), target: "carol")
        #expect(q.next(now: t0).line?.wireLines.count == 4)
        let (none, wait) = q.next(now: t0)
        #expect(none == nil && wait.map { $0 > 2.99 && $0 <= 3 } == true, "four lines cost four tokens of two")
        #expect(q.next(now: t0.addingTimeInterval(3)).line?.text == "PRIVMSG carol :hi")
    }

    @Test func zeroIntervalMeansNoPacing() {
        var q = FloodQueue(burst: 1, interval: 0, now: t0)
        for i in 0..<50 { q.push(.init("\(i)"), target: "t") }
        var n = 0
        while q.next(now: t0).line != nil { n += 1 }
        #expect(n == 50)
    }

    @Test func backoffStartsUnderTwoSecondsAndIsCappedAtFiveMinutes() {
        var b = Backoff()
        var rng = SystemRandomNumberGenerator()
        let delays = (0..<30).map { _ in b.nextDelay(using: &rng) }
        #expect(delays[0] <= 1 && delays[1] <= 2)
        #expect(delays.allSatisfy { $0 <= 300 })
        #expect(delays.last.map { $0 >= 150 } == true)
        b.reset()
        #expect(b.nextDelay(using: &rng) <= 1)
    }
}
