import Foundation
import LiaisonCore
import Testing
@testable import LiaisonApp
@testable import LiaisonConfig

/// bot.conf as users write it (SPEC §6): defaults, every key, and the effective settings.
@Suite struct ConfigTests: ConfigFixture {
    @Test func anEmptyFileRunsTheConsoleWithDefaults() throws {
        let config = try parse("")
        #expect(config.filePath == Self.path)
        #expect(config.botName == "liaison")
        #expect(config.statePath == "/srv/liaison/liaison.db")
        #expect(config.admins == [Identity.console("admin")])
        #expect(config.prefix == "!")
        #expect(config.logLevel == "info")
        #expect(config.broker == BrokerSettings())
        #expect(config.consoleEnabled)
        #expect(config.irc.isEmpty && config.matrix.isEmpty)
        #expect(config.networkNames == ["console"])
    }

    @Test func everyBotBrokerAndConsoleKeyIsRead() throws {
        let config = try parse("""
        [bot]
        name = Broker_1
        state = data/state.db
        admins = libera:Bob, libera:carol
        prefix = ?!
        log_level = debug

        [broker]
        offers_per_request = 4
        intros_per_request = 2
        offer_ttl = 30m
        request_ttl = 2w
        followup_after = 3d
        max_open_requests = 6
        max_requests_per_day = 7
        max_offers_per_week = 8
        channel_replies_per_minute = 9
        commands_per_minute = 12

        [console]
        enabled = no

        \(irc)
        """)
        #expect(config.botName == "Broker_1")
        #expect(config.statePath == "/srv/liaison/data/state.db")
        #expect(config.admins == [Identity(network: "libera", id: "Bob"), Identity(network: "libera", id: "carol")])
        #expect(config.prefix == "?!")
        #expect(config.logLevel == "debug")
        #expect(config.consoleEnabled == false)
        #expect(config.networkNames == ["libera"])
        let b = config.broker
        #expect(b.offersPerRequest == 4 && b.introsPerRequest == 2)
        #expect(b.offerTTL == 30 * 60 && b.requestTTL == 14 * 86_400 && b.followupAfter == 3 * 86_400)
        #expect(b.maxOpenRequests == 6 && b.maxRequestsPerDay == 7 && b.maxOffersPerWeek == 8)
        #expect(b.channelRepliesPerMinute == 9)
        #expect(b.commandsPerMinute == 12)
        // The broker acts on these, so they are copied into its settings.
        #expect(b.botName == "Broker_1" && b.prefix == "?!")
        #expect(b.admins == Set(config.admins))
    }

    @Test func ircDefaultsFollowTheBotAndTLS() throws {
        let config = try parse("[bot]\nname = helper\n" + irc + "\n[irc.plain]\nhost = 10.0.0.1\ntls = no\n")
        let libera = try #require(config.irc.first)
        #expect(libera.name == "libera" && libera.host == "irc.libera.chat")
        #expect(libera.port == 6697 && libera.tls && libera.tlsVerify)
        #expect(libera.nick == "helper")
        #expect(libera.sasl == .none && libera.account == nil && libera.password == nil)
        #expect(libera.identity == .account && !libera.allowNickAdmins && libera.listen == .questions)
        #expect(libera.floodBurst == 5 && libera.floodInterval == 1 && libera.pingTimeout == 120)
        #expect(config.irc.last?.port == 6667)
        #expect(config.networkNames == ["console", "libera", "plain"])
    }

    @Test func everyIRCKeyIsRead() throws {
        let config = try parse("""
        [irc.oftc]
        host = irc.oftc.net
        port = 7000
        tls = yes
        tls_verify = no
        nick = Liaison|bot
        sasl = external
        account = liaison
        client_cert_file = certs/oftc.pem
        channels = #networking, &local
        identity = nick
        allow_nick_admins = yes
        listen = commands
        ignore = otherbot, ChanServ
        flood_burst = 3
        flood_interval = 0s
        ping_timeout = 5m
        """)
        let oftc = try #require(config.irc.first)
        #expect(oftc.port == 7000 && oftc.tls && !oftc.tlsVerify)
        #expect(oftc.nick == "Liaison|bot" && oftc.sasl == .external && oftc.account == "liaison")
        #expect(oftc.clientCertFile == "/srv/liaison/certs/oftc.pem")
        #expect(oftc.channels == ["#networking", "&local"])
        #expect(oftc.identity == .nick && oftc.allowNickAdmins && oftc.listen == .commands)
        #expect(oftc.ignore == ["otherbot", "ChanServ"])
        #expect(oftc.floodBurst == 3 && oftc.floodInterval == 0 && oftc.pingTimeout == 300)
    }

    @Test func saslDefaultsToPlainWhenAnAccountIsSet() throws {
        let config = try parse(irc + "\naccount = liaison\npassword_env = IRC_PASS\n")
        #expect(config.irc.first?.sasl == .plain)
        #expect(config.irc.first?.password == .environment("IRC_PASS"))
    }

    @Test func everyMatrixKeyIsRead() throws {
        let config = try parse("""
        [matrix.home]
        homeserver = https://matrix.example.org
        user_id = @liaison:example.org
        access_token_file = /etc/liaison/token
        rooms = #networking:example.org, !abc:example.org
        listen = commands
        ignore = @otherbot:example.org
        invite_from = example.org, friends.net
        """)
        let home = try #require(config.matrix.first)
        #expect(home.homeserver == "https://matrix.example.org" && home.userID == "@liaison:example.org")
        #expect(home.accessToken == .file("/etc/liaison/token") && home.password == nil)
        #expect(home.rooms == ["#networking:example.org", "!abc:example.org"])
        #expect(home.listen == .commands && home.ignore == ["@otherbot:example.org"])
        #expect(home.inviteFrom == ["example.org", "friends.net"])
        #expect(config.networkNames == ["console", "home"])
    }

    // MARK: - File format

    @Test func commentsAndHashesInValues() throws {
        let config = try parse("""
        # a comment
        ; another comment
           # indented comment

        [bot] ; the bot
        name = liaison ; trailing comment
        prefix = !;     
        [irc.libera]
        host = irc.libera.chat
        channels = #a, #b ; the #c channel is private
        """)
        #expect(config.botName == "liaison")
        // A ";" glued to text is data; only " ;" starts a comment.
        #expect(config.prefix == "!;")
        #expect(config.irc.first?.channels == ["#a", "#b"])
    }

    @Test func windowsLineEndingsAndByteOrderMark() throws {
        let config = try parse("\u{FEFF}[bot]\r\nname = crlf\r\n\r\n[console]\r\nenabled = yes\r\n")
        #expect(config.botName == "crlf" && config.consoleEnabled)
    }

    @Test(arguments: [("yes", true), ("no", false), ("true", true), ("false", false), ("on", true), ("off", false),
                      ("YES", true), ("Off", false)])
    func booleans(word: String, value: Bool) throws {
        let config = try parse(irc + "\ntls = \(word)\n")
        #expect(config.irc.first?.tls == value)
    }

    @Test(arguments: [("90s", 90.0), ("30m", 1800), ("48h", 172_800), ("7d", 604_800), ("2w", 1_209_600)])
    func durations(text: String, seconds: TimeInterval) throws {
        #expect(try parse("[broker]\noffer_ttl = \(text)\n").broker.offerTTL == seconds)
    }

    @Test func relativePathsAreTakenFromTheConfigFolder() throws {
        #expect(try parse("[bot]\nstate = ../shared/./x.db\n").statePath == "/srv/shared/x.db")
        #expect(try parse("[bot]\nstate = /var/lib/liaison.db\n").statePath == "/var/lib/liaison.db")
        let secret = try parse(irc + "\naccount = a\npassword_file = irc.pass\n").irc.first?.password
        #expect(secret == .file("/srv/liaison/irc.pass"))
        let relative = try ConfigLoader.parse("", path: "conf/bot.conf")
        let cwd = FileManager.default.currentDirectoryPath
        #expect(relative.filePath == ConfigLoader.resolve("conf/bot.conf", in: cwd))
        #expect(relative.statePath == ConfigLoader.resolve("conf/liaison.db", in: cwd))
    }

    // MARK: - Errors name file, line and expected form

    @Test func loadReportsAMissingFileWithoutALine() {
        let missing = "/nonexistent-\(UUID().uuidString)/bot.conf"
        let error = #expect(throws: ConfigError.self) { try ConfigLoader.load(path: missing) }
        #expect(error?.file == missing && error?.line == nil)
        #expect(error?.description.hasPrefix("\(missing): ") == true)
    }

    @Test func loadReadsAFileAndEffectiveSettingsNeverShowSecrets() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("liaison-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "hunter2-secret".write(to: folder.appendingPathComponent("irc.pass"), atomically: true, encoding: .utf8)
        let file = folder.appendingPathComponent("bot.conf").path
        try (irc + "\naccount = me\npassword_file = irc.pass\n").write(toFile: file, atomically: true, encoding: .utf8)

        let config = try ConfigLoader.load(path: file)
        let passFile = ConfigLoader.resolve("irc.pass", in: ConfigLoader.parentFolder(of: config.filePath))
        #expect(config.irc.first?.password == .file(passFile))
        let text = config.effectiveSettings()
        #expect(text.contains("password_file = \(passFile)"))
        #expect(!text.contains("hunter2"))
    }

    @Test func effectiveSettingsRoundTrip() throws {
        let config = try parse("""
        [bot]
        name = liaison
        admins = console:root, libera:alice, home:@ann:example.org
        [broker]
        offer_ttl = 90m
        [irc.libera]
        host = irc.libera.chat
        account = liaison
        password_env = IRC_PASS
        channels = #a, #b
        ignore = otherbot
        flood_interval = 0s
        [irc.lan]
        host = 192.168.1.2
        tls = off
        identity = nick
        [irc.oftc]
        host = irc.oftc.net
        sasl = external
        client_cert_file = oftc.pem
        [matrix.home]
        homeserver = https://example.org
        user_id = @liaison:example.org
        access_token_env = TOKEN
        invite_from = example.org
        """)
        let text = config.effectiveSettings()
        let again = try ConfigLoader.parse(text, path: Self.path)
        #expect(again == config)
        // Defaults are printed too, so the user sees everything in effect.
        for line in ["[broker]", "offers_per_request = \(config.broker.offersPerRequest)", "offer_ttl = 90m",
                     "flood_interval = 0s", "enabled = yes", "password_env = IRC_PASS", "access_token_env = TOKEN",
                     "tls = no", "rooms =", "channels = #a, #b"] {
            #expect(text.contains(line), "\(line) missing from:\n\(text)")
        }
        // The defaults round-trip as well.
        let defaults = try parse("")
        #expect(try ConfigLoader.parse(defaults.effectiveSettings(), path: Self.path) == defaults)
    }
}
