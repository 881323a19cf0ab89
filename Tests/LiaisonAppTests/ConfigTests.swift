import Foundation
import LiaisonCore
import Testing
@testable import LiaisonApp
@testable import LiaisonConfig

/// bot.conf as users write it (SPEC §6): defaults, forms, and errors that name file and line.
@Suite struct ConfigTests {
    static let path = "/srv/liaison/bot.conf"

    func parse(_ text: String) throws -> LiaisonConfig {
        try ConfigLoader.parse(text, path: Self.path)
    }

    /// The error `text` produces, or nil if it parses.
    func error(_ text: String) -> ConfigError? {
        do {
            _ = try parse(text)
            return nil
        } catch let error as ConfigError {
            return error
        } catch {
            return ConfigError(file: "?", line: nil, message: "not a ConfigError: \(error)")
        }
    }

    /// Expects `text` to fail on `line` of bot.conf with a message containing each of `words`.
    func expectError(_ text: String, line: Int, _ words: String..., sourceLocation: SourceLocation = #_sourceLocation) {
        guard let error = error(text) else {
            Issue.record("expected an error on line \(line), but it parsed", sourceLocation: sourceLocation)
            return
        }
        #expect(error.file == Self.path, sourceLocation: sourceLocation)
        #expect(error.line == line, "\(error)", sourceLocation: sourceLocation)
        for word in words {
            #expect(error.message.contains(word), "\(error)", sourceLocation: sourceLocation)
        }
        #expect(error.description.hasPrefix("\(Self.path):\(line): "), sourceLocation: sourceLocation)
    }

    let irc = """
    [irc.libera]
    host = irc.libera.chat
    """

    // MARK: - Defaults and every key

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

    @Test func unknownKeysAndSections() {
        expectError("[bot]\nname = x\ncolour = red\n", line: 3, "unknown key \"colour\" in [bot]", "name, state, admins, prefix, log_level")
        expectError("[bot]\n[brokers]\n", line: 2, "unknown section [brokers]", "[irc.NAME]")
        expectError("[irc]\nhost = x\n", line: 1, "unknown section [irc]")
        expectError(irc + "\nnickname = x\n", line: 3, "unknown key \"nickname\" in [irc.libera]")
        expectError("name = x\n[bot]\n", line: 1, "before any section")
        expectError("[bot]\njust some words\n", line: 2, "expected \"[section]\", \"key = value\" or a comment")
        expectError("[bot\n", line: 1, "section header")
    }

    @Test func duplicates() {
        expectError("[bot]\nname = a\n\nname = b\n", line: 4, "duplicate key \"name\" in [bot]", "line 2")
        expectError("[bot]\n[console]\n[bot]\n", line: 3, "duplicate section [bot]", "line 1")
    }

    @Test func badValues() {
        expectError("[broker]\noffer_ttl = soon\n", line: 2, "offer_ttl: expected a duration like 90s, 30m, 48h, 7d or 2w", "\"soon\"")
        expectError("[broker]\nrequest_ttl = 0s\n", line: 2, "request_ttl", "longer than 0s")
        expectError("[broker]\nfollowup_after = 0d\n", line: 2, "followup_after")
        expectError("[broker]\noffer_ttl = 5\n", line: 2, "offer_ttl")
        expectError(irc + "\nping_timeout = 0s\n", line: 3, "ping_timeout")
        expectError("[broker]\nmax_open_requests = 0\n", line: 2, "max_open_requests: expected a whole number of 1 or more", "\"0\"")
        expectError("[broker]\noffers_per_request = -1\n", line: 2, "offers_per_request")
        expectError("[broker]\n\nchannel_replies_per_minute = many\n", line: 3, "channel_replies_per_minute")
        expectError("[broker]\ncommands_per_minute = -1\n", line: 2, "commands_per_minute")
        expectError(irc + "\nflood_burst = 0\n", line: 3, "flood_burst")
        expectError(irc + "\nport = 70000\n", line: 3, "port", "1 to 65535")
        expectError(irc + "\ntls = maybe\n", line: 3, "tls: expected yes/no, true/false or on/off")
        expectError(irc + "\nsasl = scram\n", line: 3, "sasl: expected plain, external or none")
        expectError(irc + "\nidentity = host\n", line: 3, "identity: expected account or nick")
        expectError(irc + "\nlisten = all\n", line: 3, "listen: expected questions or commands")
        expectError("[bot]\nlog_level = loud\n", line: 2, "log_level", "trace, debug, info")
        expectError("[console]\nenabled = sometimes\n", line: 2, "enabled")
    }

    @Test func zeroFloodIntervalTurnsPacingOff() throws {
        #expect(try parse(irc + "\nflood_interval = 0s\n").irc.first?.floodInterval == 0)
    }

    @Test func botNameAndPrefixForms() {
        expectError("[bot]\nname = 9lives\n", line: 2, "name: expected a nick")
        expectError("[bot]\nname = -dash\n", line: 2, "name")
        expectError("[bot]\nname = two words\n", line: 2, "name")
        expectError("[bot]\nname = \(String(repeating: "a", count: 33))\n", line: 2, "name")
        expectError("[bot]\nprefix = !!!!\n", line: 2, "prefix: expected 1 to 3 characters")
        expectError("[bot]\nprefix =\n", line: 2, "prefix")
        expectError(irc + "\nnick = bad nick\n", line: 3, "nick")
    }

    @Test func channelAndRoomForms() {
        expectError(irc + "\nchannels = #ok, networking\n", line: 3, "channels", "\"networking\"")
        let matrix = "[matrix.m]\nhomeserver = https://m.org\nuser_id = @bot:m.org\npassword_env = P\n"
        expectError(matrix + "rooms = #noserver\n", line: 5, "rooms", "\"#noserver\"")
        expectError(matrix + "ignore = otherbot\n", line: 5, "ignore", "Matrix user IDs")
        expectError(matrix.replacingOccurrences(of: "https://m.org", with: "m.org"), line: 2, "homeserver", "https://")
        expectError(matrix.replacingOccurrences(of: "@bot:m.org", with: "bot"), line: 3, "user_id", "@liaison:example.org")
        expectError(irc.replacingOccurrences(of: "irc.libera.chat", with: "irc.libera.chat:6697"), line: 2, "host", "port")
    }

    @Test func requiredKeys() {
        expectError("[bot]\n[irc.libera]\nport = 6697\n", line: 2, "[irc.libera] needs host")
        expectError("[matrix.m]\nuser_id = @a:b\npassword_env = P\n", line: 1, "needs homeserver")
        expectError("[matrix.m]\nhomeserver = https://b\npassword_env = P\n", line: 1, "needs user_id")
        expectError("[matrix.m]\nhomeserver = https://b\nuser_id = @a:b\n", line: 1, "needs a login")
        expectError("[matrix.m]\nhomeserver = https://b\nuser_id = @a:b\npassword_env = P\naccess_token_env = T\n",
                    line: 4, "not both")
    }

    @Test func saslNeedsItsCredentials() {
        expectError(irc + "\nsasl = plain\n", line: 3, "sasl = plain needs account")
        expectError(irc + "\nsasl = plain\naccount = me\n", line: 3, "password_file", "password_env")
        expectError(irc + "\naccount = me\n", line: 3, "defaults to plain", "sasl = none")
        expectError(irc + "\nsasl = external\n", line: 3, "client_cert_file")
        #expect(error(irc + "\naccount = me\nsasl = none\n") == nil)
    }

    @Test func commandsPerMinuteZeroTurnsTheLimitOff() throws {
        let config = try ConfigLoader.parse("[broker]\ncommands_per_minute = 0\n[console]\nenabled = yes\n", path: "/tmp/bot.conf")
        #expect(config.broker.commandsPerMinute == 0)
        #expect(try ConfigLoader.parse("[console]\nenabled = yes\n", path: "/tmp/bot.conf").broker.commandsPerMinute == 30)
    }

    @Test func secretsAreNeverInline() {
        expectError(irc + "\npassword = hunter2\n", line: 3, "password_file or password_env")
        expectError("[matrix.m]\nhomeserver = https://b\nuser_id = @a:b\naccess_token = abc\n", line: 4,
                    "access_token_file or access_token_env")
        expectError(irc + "\naccount = me\npassword_file = p\npassword_env = P\n", line: 5,
                    "only one of password_file and password_env")
        expectError(irc + "\naccount = me\npassword_env = not a name\n", line: 4, "password_env", "environment variable")
    }

    @Test func networkNames() {
        expectError("[irc.Libera]\nhost = a\n", line: 1, "network name \"Libera\"", "lower-case")
        expectError("[irc.console]\nhost = a\n", line: 1, "reserved")
        expectError(irc + "\n[matrix.libera]\nhomeserver = https://b\nuser_id = @a:b\npassword_env = P\n", line: 3,
                    "\"libera\" is already used by [irc.libera] on line 1")
        expectError("[console]\nenabled = no\n", line: 2, "no network is configured")
    }

    @Test func admins() throws {
        expectError("[bot]\nadmins = alice\n", line: 2, "admins: expected identities NETWORK:ID", "\"alice\"")
        expectError("[bot]\nadmins = console:admin, libera:bob\n", line: 2, "\"libera:bob\"", "not configured")
        // The console is a network only while enabled.
        expectError("[bot]\nadmins = console:admin\n[console]\nenabled = no\n" + irc, line: 2, "\"console\"", "not configured")
        expectError("[bot]\nadmins = m:bob\n[matrix.m]\nhomeserver = https://b\nuser_id = @a:b\npassword_env = P\n",
                    line: 2, "Matrix admin")
        let nickNetwork = "[bot]\nadmins = libera:bob\n" + irc + "\nidentity = nick\n"
        expectError(nickNetwork, line: 2, "identity = nick", "allow_nick_admins = yes")
        let allowed = try parse(nickNetwork + "allow_nick_admins = yes\n")
        #expect(allowed.admins == [Identity(network: "libera", id: "bob")])
        // Without the console, nobody is an admin unless listed.
        #expect(try parse("[console]\nenabled = no\n" + irc).admins.isEmpty)
        // Repeats are harmless and dropped.
        #expect(try parse("[bot]\nadmins = console:Ann, console:ann,\n").admins == [Identity.console("ann")])
    }

    // MARK: - Loading and printing

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
