"""What Ergo (the IRCv3 reference server, not in Debian) does, replayed by a scripted
server (issue "IRC as members live it", item 3 and the bot mode): a server that requires
nick = account renames the bot at registration and refuses every NICK back with 400. The bot
says once what to change and stops asking; where ISUPPORT offers BOT=, it sets the bot mode."""
import time

from conftest import bot_conf
from test_hostile_server import listen


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
