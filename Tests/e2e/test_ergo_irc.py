"""What Ergo (the IRCv3 reference server, not in Debian) does, replayed by a scripted
server (issue "IRC as members live it", items 2, 3 and 5): a server that requires
nick = account renames the bot at registration and refuses every NICK back with 400. The bot
says once what to change and stops asking; where ISUPPORT offers BOT=, it sets the bot mode.
An always-on nick with nobody connected (WHOX flag G, auto-away) gets no offer until it is
back; messages of several lines go as one draft/multiline batch; after a crash in flight,
lines the server's history shows arrived are not sent again."""
import signal
import time

from conftest import bot_conf
from ergoserver import ErgoServer, parse, stamp
from test_hostile_server import listen


def say(server, nick, text):
    """A line from `nick`, logged in to the account of the same name, to the bot."""
    server.heard(nick, text)
    server.send(f"@account={nick};time={stamp()} :{nick}!{nick[0]}@ergo.test PRIVMSG {server.nick} :{text}")


def answered(server, nick, text, after=0, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if any(text.lower() in t.lower() for t in server.privmsgs(nick, after)):
            return
        time.sleep(0.05)
    raise TimeoutError(f"no {text!r} to {nick}; last lines: {server.lines()[-10:]}")


def test_a_refused_nick_is_asked_for_once_and_the_log_says_what_to_change(make_bot):
    listener, port = listen()
    bot = make_bot(bot_conf(port, "#h", extra="nick = liaison\nping_timeout = 300s")).start()
    conn, _ = listener.accept()
    conn.settimeout(1)
    buf, got = b"", []

    def pump(seconds):
        nonlocal buf
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                chunk = conn.recv(65536)
            except TimeoutError:
                continue
            if not chunk:
                break
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                got.append(line.rstrip(b"\r").decode("utf-8", "replace"))

    def send(line):
        conn.sendall((line + "\r\n").encode())

    pump(1.0)
    assert any(l.startswith("NICK liaison") for l in got), got
    send(":ergo.test CAP * LS :")
    pump(0.5)
    # Ergo renames the bot to its account name and welcomes it under that name.
    send(":ergo.test 001 liaisonbot :Welcome")
    send(":ergo.test 005 liaisonbot CASEMAPPING=ascii CHANTYPES=# BOT=B :are supported")
    send(":ergo.test 376 liaisonbot :End of MOTD")
    pump(3.0)
    assert "MODE liaisonbot +B" in got, f"the bot mode is set: {got}"
    nicks = [l for l in got if l.startswith("NICK ")]
    assert nicks[-1] == "NICK liaison", f"it tries once for the configured nick: {got}"
    send(":ergo.test 400 liaisonbot NICK :You must use your account name as your nickname")
    before = len([l for l in got if l.startswith("NICK ")])
    pump(33.0)  # past the 30 s retry interval
    after = len([l for l in got if l.startswith("NICK ")])
    assert after == before, f"no more NICK after a refusal that will not change: {got[-10:]}"
    log = bot.log_text()
    assert "not the configured nick liaison" in log, log[-2000:]
    assert log.count("refuses the nick liaison") == 1 and "Set nick = liaisonbot" in log, log[-2000:]
    conn.close()


def test_always_on_members_marked_away_get_their_offer_only_when_back(make_bot):
    server = ErgoServer()
    server.user("carol", channels={"#h"})   # always-on, in the bot's channel
    server.user("dave")                      # always-on, in no channel with the bot
    server.user("bob")
    conf = bot_conf(server.port, "#h", extra="nick = liaison\nping_timeout = 300s", broker="offers_per_request = 2")
    make_bot(conf).start()
    server.accept()
    server.wait_for(lambda l: l.startswith("JOIN #h"))
    for who in ("carol", "dave"):
        say(server, who, "optin")
        answered(server, who, "you're in")
        say(server, who, "expertise add origami")
        answered(server, who, "added origami")
    # Their devices disconnect: Ergo keeps the always-on nicks and marks them away.
    server.users["carol"]["away"] = server.users["dave"]["away"] = True
    server.close()
    server.accept()
    mark = len(server.lines())
    server.wait_for(lambda l: l.startswith("WHO #h"), after=mark)
    time.sleep(0.5)
    say(server, "bob", "ask origami")
    answered(server, "bob", "request #1", after=mark)
    time.sleep(4)
    assert not [t for t in server.privmsgs("carol", mark) + server.privmsgs("dave", mark) if "accept 1" in t], server.lines()[mark:]
    assert any(l.startswith("WHO dave") for l in server.lines()[mark:]), "the bot asked the server about dave (WHOX)"
    # Carol's device connects: Ergo clears the auto-away and tells the channel.
    server.users["carol"]["away"] = False
    server.send(":carol!c@ergo.test AWAY")
    answered(server, "carol", "accept 1", after=mark, timeout=10)
    assert not [t for t in server.privmsgs("dave", mark) if "accept 1" in t]
    # Dave comes back outside any shared channel: the bot asks again within a minute.
    server.users["dave"]["away"] = False
    answered(server, "dave", "accept 1", after=mark, timeout=75)
    server.close()


def test_several_lines_go_as_one_batch_and_lines_in_history_are_not_sent_again_after_a_crash(make_bot):
    server = ErgoServer()
    server.user("erin")
    server.user("fred")
    conf = bot_conf(server.port, "#h", extra="nick = liaison\nping_timeout = 300s")
    bot = make_bot(conf).start()
    server.accept()
    server.wait_for(lambda l: l.startswith("JOIN #h"))
    for who in ("erin", "fred"):
        say(server, who, "optin")
        answered(server, who, "you're in")
    # The crash window: the server takes the bot's lines, but no echo comes back before
    # the bot dies; erin's reply reached the server's history, fred's was lost on the way.
    server.echo = False
    server.keep_history = {"erin"}
    mark = len(server.lines())
    say(server, "erin", "mydata")
    say(server, "fred", "help")
    server.wait_for(lambda l: l.startswith("BATCH -"), after=mark)
    answered(server, "fred", "", after=mark)
    sent = server.lines()[mark:]
    opened = next(i for i, l in enumerate(sent) if l.startswith("BATCH +"))
    ref = sent[opened].split()[1][1:]
    assert sent[opened] == f"BATCH +{ref} draft/multiline erin", sent[opened]
    body = sent[opened + 1:sent.index(f"BATCH -{ref}")]
    assert len(body) >= 3 and all(l.startswith(f"@batch={ref} PRIVMSG erin :") for l in body), sent
    assert all(len(l.split(" ", 1)[1].encode()) + 2 <= 512 for l in body)
    assert any('"forget" deletes all of it' in parse(l)[3][-1] for l in body)
    time.sleep(1.0)
    bot.stop(signal.SIGKILL)
    server.close()
    server.echo = True
    bot.start()
    server.accept()
    again = len(server.lines())
    server.wait_for(lambda l: l.startswith("CHATHISTORY LATEST erin"), after=again)
    server.wait_for(lambda l: l.startswith("CHATHISTORY LATEST fred"), after=again)
    answered(server, "fred", "", after=again)   # not in the history: sent again
    time.sleep(3)
    # Nor is erin's "mydata" in the history read as said again.
    assert server.privmsgs("erin", again) == [], f"found in the history, not sent twice: {server.lines()[again:]}"
    assert "found in the server's history; not sent again" in bot.log_text()
    server.close()
