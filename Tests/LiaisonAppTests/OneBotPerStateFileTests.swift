import Foundation
import Testing

/// Issue "Ready for real communities", item 1: one bot per state file. A second `liaison run`
/// on the same state file exits 1 with one sentence naming the file and the PID that holds
/// it; `backup` and `check-config` still work while the bot runs; the lock ends with the bot.
@Suite struct OneBotPerStateFileTests {
    @Test func aSecondBotOnTheSameStateFileRefusesToStartAndNamesThePID() throws {
        let dir = try LiaisonProcess.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        // The first bot: its console stays open, so it keeps running.
        let first = Process()
        first.executableURL = LiaisonProcess.binary
        first.arguments = ["--config", "bot.conf"]
        first.currentDirectoryURL = dir
        let stdin = Pipe()
        first.standardInput = stdin
        first.standardOutput = FileHandle.nullDevice
        first.standardError = FileHandle.nullDevice
        try first.run()
        defer { if first.isRunning { first.terminate() } }
        let lockPath = dir.appendingPathComponent("state.db.lock").path
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, (try? String(contentsOfFile: lockPath, encoding: .utf8))?.contains("\(first.processIdentifier)") != true {
            Thread.sleep(forTimeInterval: 0.05)
        }

        let second = try LiaisonProcess.console("alice: optin\n", in: dir)
        #expect(second.status == 1)
        #expect(second.stderr.contains("state.db") && second.stderr.contains("PID \(first.processIdentifier)"), "\(second.stderr)")
        #expect(second.stderr.split(separator: "\n").count == 1, "one sentence: \(second.stderr)")
        #expect(second.stdout.isEmpty, "the second bot answered nobody")

        let backup = try LiaisonProcess.run(["backup", "copy.db", "--config", "bot.conf"], in: dir, input: "")
        #expect(backup.status == 0, "backup works while the bot runs: \(backup.stderr)")
        let check = try LiaisonProcess.run(["check-config", "bot.conf"], in: dir, input: "")
        #expect(check.status == 0, "check-config works while the bot runs: \(check.stderr)")

        // The first bot ends (end of input): the state file is free again.
        try stdin.fileHandleForWriting.close()
        first.waitUntilExit()
        let third = try LiaisonProcess.console("alice: optin\n", in: dir)
        #expect(third.status == 0, "\(third.stderr)")
        #expect(third.lines.to("alice").count == 1)
    }
}
