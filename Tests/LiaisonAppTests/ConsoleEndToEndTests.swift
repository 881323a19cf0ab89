import Foundation
import Testing

/// The built executable driven through the console network (SPEC §7), as in the README.
@Suite(.serialized) struct ConsoleEndToEndTests {
    @Test func theWholeStoryFromAChannelQuestionToThanks() throws {
        let dir = try LiaisonProcess.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try LiaisonProcess.console("""
            # experts opt in privately
            alice: optin
            alice: expertise add reverse mortgages, tax law
            carol: optin
            carol: know reverse mortgages
            bob #networking: who knows about reverse mortgages?
            carol: decline 1
            alice: accept 1
            bob: thanks 1
            """, in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.lines
        #expect(lines.allSatisfy { $0.hasPrefix("-> ") }, "stdout carries only the bot's messages")
        let channel = lines.to("#networking")
        #expect(channel.count == 1 && channel[0].contains("2 members") && channel[0].contains("#1"))
        #expect(lines.to("alice").containing("accept 1").count == 1)
        #expect(lines.to("carol").containing("accept 1").count == 1)
        #expect(lines.to("carol").containing("declined").count == 1)
        let toBob = lines.to("bob")
        #expect(toBob.containing("meet alice").count == 1)
        #expect(toBob.containing("carol").isEmpty, "the decliner is never named to the requester")
        #expect(lines.to("alice").containing("meet bob").count == 1)
        #expect(lines.to("alice").containing("bob thanks you").count == 1)
        #expect(toBob.containing("thanks passed on to alice").count == 1)
        // Lines come in commit order: the offer to alice precedes her introduction.
        let offer = try #require(lines.firstIndex { $0.hasPrefix("-> alice: ") && $0.contains("accept 1") })
        let intro = try #require(lines.firstIndex { $0.hasPrefix("-> alice: ") && $0.contains("meet bob") })
        #expect(offer < intro)
    }

    @Test func aRestartBetweenEveryStepLosesNothing() throws {
        let dir = try LiaisonProcess.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        var all: [String] = []
        for step in ["alice: optin\nalice: expertise add rust", "bob #dev: !ask rust", "alice: accept 1",
                     "bob: thanks 1\nalice: expertise\nbob: requests"] {
            let result = try LiaisonProcess.console(step + "\n", in: dir)
            #expect(result.status == 0, "\(result.stderr)")
            all += result.lines
        }
        #expect(all.to("#dev").containing("1 member").count == 1)
        #expect(all.to("alice").containing("accept 1").count == 1)
        #expect(all.to("bob").containing("meet alice").count == 1)
        #expect(all.to("alice").containing("bob thanks you").count == 1)
        #expect(all.to("alice").containing("your topics: rust").count == 1)
        #expect(all.to("bob").containing("no open requests").count == 1)
        let mode = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("state.db").path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
    }

    @Test func dueTimesSurviveARestart() throws {
        let dir = try LiaisonProcess.workspace(broker: "offer_ttl = 1s")
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try LiaisonProcess.console("alice: optin\nalice: know rust\nbob: ask rust\n", in: dir)
        #expect(first.lines.to("alice").containing("accept 1").count == 1)
        Thread.sleep(forTimeInterval: 1.5)
        let second = try LiaisonProcess.console("", in: dir)
        #expect(second.lines.to("alice").containing("lapsed").count == 1, "\(second.stdout)")
        #expect(second.lines.to("bob").containing("nobody was available").count == 1)
    }

    @Test func linesThatDoNotFitGetOneSentenceOnStderrAndChangeNothing() throws {
        let dir = try LiaisonProcess.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = "alice: optin\r\nno colon here\n\n# a comment\nbad name!: hi\nalice:\nliaison: help\nalice #bad,chan: hi\n"
            + "alice: \(String(repeating: "x", count: 4001))\n alice: help\nalice #dev: say: with colons\nALICE: expertise add go\n"
        let result = try LiaisonProcess.console(script, in: dir)
        #expect(result.status == 0)
        let errors = result.stderr.split(separator: "\n").filter { $0.hasPrefix("console: line ") }
        #expect(errors.map { $0.prefix(16) } == ["console: line 2:", "console: line 5:", "console: line 6:", "console: line 7:",
                                                 "console: line 8:", "console: line 9:", "console: line 10"])
        #expect(errors.first == "console: line 2: expected \"NAME: TEXT\" or \"NAME #CHANNEL: TEXT\"")
        // An over-long line is told so, not that it lacks a name.
        #expect(errors.contains("console: line 9: the line is 4008 bytes long; it can be at most 4000"), "\(errors)")
        // NAME is compared case-insensitively: ALICE is alice, addressed as last typed.
        #expect(result.lines.to("alice").count == 1, "\(result.stdout)")
        #expect(result.lines.to("ALICE").containing("added go").count == 1)
        #expect(result.lines.to("ALICE").containing("not opted in").isEmpty)
    }

    @Test func aConfigErrorNamesFileAndLineAndExitsTwo() throws {
        let dir = try LiaisonProcess.workspace(broker: "offer_ttl = soon")
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try LiaisonProcess.console("alice: help\n", in: dir)
        #expect(result.status == 2)
        #expect(result.stderr.contains("bot.conf:7:"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        let check = try LiaisonProcess.run(["check-config", "bot.conf"], in: dir, input: "")
        #expect(check.status == 2)
        let badFlag = try LiaisonProcess.run(["--no-such-flag"], in: dir, input: "")
        #expect(badFlag.status == 2)
        let version = try LiaisonProcess.run(["--version"], in: dir, input: "")
        #expect(version.status == 0 && !version.stdout.isEmpty)
    }

    @Test func checkConfigPrintsSettingsWithSecretsMasked() throws {
        // Loopback only: tests never reach out to a real network.
        let dir = try LiaisonProcess.workspace(extra: """

            [irc.local]
            host = 127.0.0.1
            port = 6697
            account = liaison
            password_file = irc.pass
            channels = #networking
            """)
        defer { try? FileManager.default.removeItem(at: dir) }
        // A secret the bot could not read fails check-config now, not at the first connection.
        let check1 = try LiaisonProcess.run(["check-config", "bot.conf"], in: dir, input: "")
        #expect(check1.status == 2 && check1.stderr.contains("[irc.local]: cannot read the secret file"), "\(check1.stderr)")
        try "hunter2-secret".write(to: dir.appendingPathComponent("irc.pass"), atomically: true, encoding: .utf8)
        let check = try LiaisonProcess.run(["check-config", "bot.conf"], in: dir, input: "")
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("offers_per_request = 3"))
        #expect(check.stdout.contains("password_file"))
        #expect(!check.stdout.contains("hunter2"))
        // A secret that cannot be read stops the bot with one sentence, before connecting.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("irc.pass"))
        let run = try LiaisonProcess.console("alice: help\n", in: dir)
        #expect(run.status == 2)
        #expect(run.stderr.contains("[irc.local]: cannot read the secret file"))
    }

    /// Issue "Ready for real communities", section 3: the command line as a newcomer types it.
    @Test func theCommandLineAnswersAsANewcomerTypesIt() throws {
        let dir = try LiaisonProcess.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let story = try LiaisonProcess.console("alice: help\n", in: dir)
        #expect(!story.stdout.hasSuffix("\n\n") && story.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().allSatisfy { $0.hasPrefix("-> ") },
                "stdout carries only -> lines: \(story.stdout.debugDescription)")
        let own = try LiaisonProcess.console("liaison: help\n", in: dir)
        #expect(own.stderr.contains("my own name") && own.stderr.contains("alice: help"), "\(own.stderr)")
        let version = try LiaisonProcess.run(["version"], in: dir, input: "")
        #expect(version.status == 0 && version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).first?.isNumber == true, "\(version.stdout)")
        let missing = try LiaisonProcess.run(["check-config", "nope.conf"], in: dir, input: "")
        #expect(missing.status == 2 && !missing.stderr.contains("--config") && missing.stderr.contains("check-config PATH"), "\(missing.stderr)")
        let backup = try LiaisonProcess.run(["backup", "no/such/folder/copy.db"], in: dir, input: "")
        #expect(backup.status == 1 && backup.stderr.contains("the backup") && backup.stderr.contains("does not exist"), "\(backup.stderr)")
    }
}
