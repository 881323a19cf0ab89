/// Lines recorded from the real servers the end-to-end suite runs (scripts/irc/servers.sh):
/// a client named recbot, requesting the capabilities Liaison asks for, while a second
/// client, alice, joined #rec, went away and back, wrote to recbot, changed nick to alice2,
/// invited recbot to #other, kicked it from #rec, parted, joined again and quit. On InspIRCd
/// both were logged in to Atheme accounts of their names (SASL PLAIN); ngIRCd has none.
/// recbot asked `WHO #rec %tcnfa,152`, `WHO #rec`, `WHO alice %tuhnfa,153`, `WHO nobodyhere
/// %tuhnfa,153` and wrote to nobodyhere and, while she was away, to alice.
enum Recorded {
    /// InspIRCd 3.15 + Atheme 7.2, from CAP LS to the end of the MOTD.
    static let inspircdRegistration = [
        ":irc.liaison.test CAP * LS :account-notify account-tag away-notify batch cap-notify chghost echo-message extended-join extended-monitor inspircd.org/poison inspircd.org/standard-replies invite-notify message-tags multi-prefix sasl=PLAIN,EXTERNAL server-time userhost-in-names ",
        "@time=2026-12-02T12:17:58.596Z :irc.liaison.test CAP recbot ACK :account-notify account-tag away-notify batch cap-notify echo-message extended-join message-tags multi-prefix sasl server-time",
        "@time=2026-12-02T12:17:58.636Z AUTHENTICATE :+",
        "@time=2026-12-02T12:17:58.636Z :irc.liaison.test 900 recbot recbot!recbot@127.0.0.1 recbot :You are now logged in as recbot",
        "@time=2026-12-02T12:17:58.636Z;account=recbot :recbot!recbot@127.0.0.1 ACCOUNT :recbot",
        "@time=2026-12-02T12:17:58.636Z :irc.liaison.test 903 recbot :SASL authentication successful",
        "@time=2026-12-02T12:17:59.638Z :irc.liaison.test 001 recbot :Welcome to the LiaisonTest IRC Network recbot!recbot@127.0.0.1",
        "@time=2026-12-02T12:17:59.638Z :irc.liaison.test 002 recbot :Your host is irc.liaison.test, running version InspIRCd-3",
        "@time=2026-12-02T12:17:59.638Z :irc.liaison.test 003 recbot :This server was created 12:17:41 Dec 02 2026",
        "@time=2026-12-02T12:17:59.638Z :irc.liaison.test 004 recbot irc.liaison.test InspIRCd-3 IRdikorsw MRbiklmnoprstv :bklov",
        "@time=2026-12-02T12:17:59.638Z :irc.liaison.test 005 recbot AWAYLEN=200 CASEMAPPING=rfc1459 CHANLIMIT=#:200 CHANMODES=b,k,l,MRimnprst CHANNELLEN=60 CHANTYPES=# ELIST=CMNTU EXTBAN=,RU HOSTLEN=64 KEYLEN=32 KICKLEN=300 LINELEN=512 :are supported by this server",
        "@time=2026-12-02T12:17:59.638Z :irc.liaison.test 005 recbot MAXLIST=b:100 MAXTARGETS=20 MODES=20 MONITOR=100 NAMELEN=130 NAMESX NETWORK=LiaisonTest NICKLEN=30 PREFIX=(ov)@+ SAFELIST STATUSMSG=@+ TOPICLEN=330 UHNAMES :are supported by this server",
        "@time=2026-12-02T12:17:59.638Z :irc.liaison.test 005 recbot USERLEN=10 USERMODES=,,s,IRdikorw WHOX :are supported by this server",
        "@time=2026-12-02T12:17:59.638Z :irc.liaison.test 251 recbot :There are 0 users and 0 invisible on 2 servers",
        "@time=2026-12-02T12:17:59.638Z :irc.liaison.test 253 recbot 1 :unknown connections",
        "@time=2026-12-02T12:17:59.638Z :irc.liaison.test 254 recbot 0 :channels formed",
        "@time=2026-12-02T12:17:59.638Z :irc.liaison.test 255 recbot :I have 0 clients and 1 servers",
        "@time=2026-12-02T12:17:59.638Z :irc.liaison.test 265 recbot :Current local users: 0  Max: 1",
        "@time=2026-12-02T12:17:59.638Z :irc.liaison.test 266 recbot :Current global users: 0  Max: 1",
        "@time=2026-12-02T12:17:59.638Z :irc.liaison.test 375 recbot :irc.liaison.test message of the day",
        "@time=2026-12-02T12:17:59.638Z :irc.liaison.test 372 recbot :Liaison IRC test server.",
        "@time=2026-12-02T12:17:59.638Z :irc.liaison.test 376 recbot :End of message of the day.",
    ]

    /// InspIRCd 3.15 + Atheme 7.2, after the registration above, in order.
    static let inspircdSession = [
        "@time=2026-12-02T12:18:01.183Z;account=recbot :recbot!recbot@127.0.0.1 JOIN #rec recbot :recbot",
        "@time=2026-12-02T12:18:01.183Z :irc.liaison.test 353 recbot = #rec :recbot @alice",
        "@time=2026-12-02T12:18:01.183Z :irc.liaison.test 366 recbot #rec :End of /NAMES list.",
        "@time=2026-12-02T12:18:02.185Z :irc.liaison.test 354 recbot 152 #rec recbot H :recbot",
        "@time=2026-12-02T12:18:02.185Z :irc.liaison.test 354 recbot 152 #rec alice H@ :alice",
        "@time=2026-12-02T12:18:02.185Z :irc.liaison.test 315 recbot #rec :End of /WHO list.",
        "@time=2026-12-02T12:18:03.186Z :irc.liaison.test 352 recbot #rec recbot 127.0.0.1 irc.liaison.test recbot H :0 recbot",
        "@time=2026-12-02T12:18:03.186Z :irc.liaison.test 352 recbot #rec alice 127.0.0.1 irc.liaison.test alice H@ :0 alice",
        "@time=2026-12-02T12:18:03.186Z :irc.liaison.test 315 recbot #rec :End of /WHO list.",
        "@time=2026-12-02T12:18:04.187Z :irc.liaison.test 354 recbot 153 alice 127.0.0.1 alice H@ :alice",
        "@time=2026-12-02T12:18:04.187Z :irc.liaison.test 315 recbot alice :End of /WHO list.",
        "@time=2026-12-02T12:18:05.189Z :irc.liaison.test 315 recbot nobodyhere :End of /WHO list.",
        "@time=2026-12-02T12:18:06.190Z :irc.liaison.test 401 recbot nobodyhere :No such nick",
        "@time=2026-12-02T12:18:07.191Z;account=alice :alice!alice@127.0.0.1 AWAY :gone fishing",
        "@time=2026-12-02T12:18:08.693Z :irc.liaison.test 301 recbot alice :gone fishing",
        "@time=2026-12-02T12:18:08.693Z;msgid=1LT~1796213861~4;inspircd.org/echo;account=recbot :recbot!recbot@127.0.0.1 PRIVMSG alice :hello",
        "@time=2026-12-02T12:18:09.694Z;account=alice :alice!alice@127.0.0.1 AWAY",
        "@time=2026-12-02T12:18:11.197Z;msgid=1LT~1796213861~5;account=alice :alice!alice@127.0.0.1 PRIVMSG recbot :who knows about rust?",
        "@time=2026-12-02T12:18:12.198Z;msgid=1LT~1796213861~6;account=alice :alice!alice@127.0.0.1 PRIVMSG recbot :\u{1}VERSION\u{1}",
        "@time=2026-12-02T12:18:13.203Z;msgid=1LT~1796213861~7;account=alice :alice!alice@127.0.0.1 PRIVMSG #rec :hello channel",
        "@time=2026-12-02T12:18:14.201Z;msgid=1LT~1796213861~8;account=alice :alice!alice@127.0.0.1 NOTICE recbot :a notice",
        "@time=2026-12-02T12:18:15.202Z;msgid=1LT~1796213861~9;inspircd.org/echo;account=recbot :recbot!recbot@127.0.0.1 PRIVMSG #rec :echo me",
        "@time=2026-12-02T12:18:16.204Z;account=alice :alice!alice@127.0.0.1 NICK :alice2",
        "@time=2026-12-02T12:18:18.208Z;account=alice :alice2!alice@127.0.0.1 INVITE recbot :#other",
        "@time=2026-12-02T12:18:19.713Z;account=alice :alice2!alice@127.0.0.1 KICK #rec recbot :out",
        "@time=2026-12-02T12:18:21.215Z;account=recbot :recbot!recbot@127.0.0.1 JOIN #rec recbot :recbot",
        "@time=2026-12-02T12:18:21.215Z :irc.liaison.test 353 recbot = #rec :recbot @alice2",
        "@time=2026-12-02T12:18:21.215Z :irc.liaison.test 366 recbot #rec :End of /NAMES list.",
        "@time=2026-12-02T12:18:22.216Z;account=alice :alice2!alice@127.0.0.1 PART #rec :bye",
        "@time=2026-12-02T12:18:23.718Z;account=alice :alice2!alice@127.0.0.1 JOIN #rec alice :alice",
        "@time=2026-12-02T12:18:25.220Z;account=alice :alice2!alice@127.0.0.1 QUIT :Quit: done",
        "@time=2026-12-02T12:18:26.721Z :irc.liaison.test PONG irc.liaison.test :liaison-1",
    ]

    /// ngIRCd 26.1 (no services, only multi-prefix offered), from CAP LS to the end of the MOTD.
    static let ngircdRegistration = [
        ":ngircd.liaison.test CAP * LS :multi-prefix",
        ":ngircd.liaison.test CAP recbot ACK :multi-prefix",
        ":ngircd.liaison.test 001 recbot :Welcome to the Internet Relay Network recbot!~recbot@127.0.0.1",
        ":ngircd.liaison.test 002 recbot :Your host is ngircd.liaison.test, running version ngircd-26.1 (x86_64/pc/linux-gnu)",
        ":ngircd.liaison.test 003 recbot :This server has been started Wed Dec 02 2026 at 12:17:43 (UTC)",
        ":ngircd.liaison.test 004 recbot ngircd.liaison.test ngircd-26.1 abBcCFiIoqrRswx abehiIklmMnoOPqQrRstvVz",
        ":ngircd.liaison.test 005 recbot RFC2812 IRCD=ngIRCd CHARSET=UTF-8 CASEMAPPING=ascii PREFIX=(qaohv)~&@%+ CHANTYPES=#&+ CHANMODES=beI,k,l,imMnOPQRstVz CHANLIMIT=#&+:0 :are supported on this server",
        ":ngircd.liaison.test 005 recbot CHANNELLEN=50 NICKLEN=30 TOPICLEN=490 AWAYLEN=127 KICKLEN=400 MODES=5 MAXLIST=beI:50 EXCEPTS=e INVEX=I PENALTY FNC :are supported on this server",
        ":ngircd.liaison.test 251 recbot :There are 1 users and 0 services on 1 servers",
        ":ngircd.liaison.test 254 recbot 1 :channels formed",
        ":ngircd.liaison.test 255 recbot :I have 1 users, 0 services and 0 servers",
        ":ngircd.liaison.test 265 recbot 1 1 :Current local users: 1, Max: 1",
        ":ngircd.liaison.test 266 recbot 1 1 :Current global users: 1, Max: 1",
        ":ngircd.liaison.test 250 recbot :Highest connection count: 1 (3 connections received)",
        ":ngircd.liaison.test 375 recbot :- ngircd.liaison.test message of the day",
        ":ngircd.liaison.test 372 recbot :- \"Liaison test server\"",
        ":ngircd.liaison.test 376 recbot :End of MOTD command",
    ]

    /// ngIRCd 26.1, after the registration above, in order.
    static let ngircdSession = [
        ":recbot!~recbot@127.0.0.1 JOIN :#rec",
        ":ngircd.liaison.test 353 recbot = #rec :recbot @alice",
        ":ngircd.liaison.test 366 recbot #rec :End of NAMES list",
        ":ngircd.liaison.test 352 recbot #rec ~recbot 127.0.0.1 ngircd.liaison.test recbot H :0 recbot",
        ":ngircd.liaison.test 352 recbot #rec ~alice 127.0.0.1 ngircd.liaison.test alice H@ :0 alice",
        ":ngircd.liaison.test 315 recbot #rec :End of WHO list",
        ":ngircd.liaison.test 352 recbot #rec ~recbot 127.0.0.1 ngircd.liaison.test recbot H :0 recbot",
        ":ngircd.liaison.test 352 recbot #rec ~alice 127.0.0.1 ngircd.liaison.test alice H@ :0 alice",
        ":ngircd.liaison.test 315 recbot #rec :End of WHO list",
        ":ngircd.liaison.test 352 recbot * ~alice 127.0.0.1 ngircd.liaison.test alice H :0 alice",
        ":ngircd.liaison.test 315 recbot alice :End of WHO list",
        ":ngircd.liaison.test 315 recbot nobodyhere :End of WHO list",
        ":ngircd.liaison.test 401 recbot nobodyhere :No such nick or channel name",
        ":ngircd.liaison.test 301 recbot alice :gone fishing",
        ":alice!~alice@127.0.0.1 PRIVMSG recbot :who knows about rust?",
        ":alice!~alice@127.0.0.1 PRIVMSG recbot :\u{1}VERSION\u{1}",
        ":alice!~alice@127.0.0.1 PRIVMSG #rec :hello channel",
        ":alice!~alice@127.0.0.1 NOTICE recbot :a notice",
        ":alice!~alice@127.0.0.1 NICK :alice2",
        ":alice2!~alice@127.0.0.1 INVITE recbot #other",
        ":alice2!~alice@127.0.0.1 KICK #rec recbot :out",
        ":recbot!~recbot@127.0.0.1 JOIN :#rec",
        ":ngircd.liaison.test 353 recbot = #rec :recbot @alice2",
        ":ngircd.liaison.test 366 recbot #rec :End of NAMES list",
        ":alice2!~alice@127.0.0.1 PART #rec :bye",
        ":alice2!~alice@127.0.0.1 JOIN :#rec",
        ":alice2!~alice@127.0.0.1 QUIT :\"done\"",
        ":ngircd.liaison.test PONG ngircd.liaison.test :liaison-1",
    ]

    /// The line of `lines` that contains `fragment` (the first).
    static func line(_ lines: [String], _ fragment: String) -> String {
        lines.first { $0.contains(fragment) } ?? ""
    }
}
