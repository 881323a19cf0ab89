"""A hostile or broken IRC server (issue 3, quality bar): oversized lines, tags of every
shape, unknown numerics, bad UTF-8 and a disconnect mid-line. The bot logs, carries on,
and reconnects. No real server sends these on purpose, so this one is scripted."""
import socket
import time

from conftest import bot_conf, unique


def serve_one(listener, on_registered, timeout=15):
    """Accepts the bot, registers it, joins it to #h, then runs `on_registered(send, lines)`."""
    conn, _ = listener.accept()
    conn.settimeout(timeout)
    buf = b""
    got = []

    def read_until(pred):
        nonlocal buf
        deadline = time.time() + timeout
        while time.time() < deadline:
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                text = line.rstrip(b"\r").decode("utf-8", "replace")
                got.append(text)
                if pred(text):
                    return text
            chunk = conn.recv(65536)
            if not chunk:
                raise ConnectionError("bot closed")
            buf += chunk
        raise TimeoutError(f"not seen; got {got[-5:]}")

    def send(data):
        conn.sendall(data if isinstance(data, bytes) else (data + "\r\n").encode())

    nick = read_until(lambda l: l.startswith("NICK ")).split(" ", 1)[1]
    read_until(lambda l: l.startswith("USER "))
    send(":hostile.test CAP * LS :")
    read_until(lambda l: l == "CAP END")
    send(f":hostile.test 001 {nick} :Welcome")
    send(f":hostile.test 005 {nick} CASEMAPPING=ascii CHANTYPES=# :are supported")
    send(f":hostile.test 376 {nick} :End of MOTD")
    read_until(lambda l: l.startswith("JOIN #h"))
    send(f":{nick}!bot@127.0.0.1 JOIN #h")
    send(f":hostile.test 353 {nick} = #h :{nick} alice")
    send(f":hostile.test 366 {nick} #h :End of NAMES")
    on_registered(send, read_until, nick, conn)
    return got


def test_hostile_lines_are_survived_and_a_cut_connection_is_reestablished(make_bot):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.settimeout(20)
    port = listener.getsockname()[1]
    bot = make_bot(bot_conf(port, "#h", extra="identity = nick\nping_timeout = 60s\n")).start()

    def hostile(send, read_until, nick, conn):
        send(b"@" + b"a" * 20000 + b" :x PRIVMSG " + nick.encode() + b" :too long\r\n")
        send(b"@a=\\;b=;c;=x;d=\\\\\\;e=\xff\xfe :alice!a@h PRIVMSG " + nick.encode() + b" :\xff\xfe broken utf8\r\n")
        send(f":hostile.test 999 {nick} :numeric nobody knows")
        send(":lonely")
        send("")
        send(b"\r\n\n\n")
        send(f":hostile.test 005 {nick} LINELEN=abc NICKLEN= -FOO :are supported")
        send(b":alice!a@h PRIVMSG " + nick.encode() + b" :nul\x00inside\r\n")
        send(f"@+draft/reply=1;time=2026-01-01T00:00:00.000Z :alice!a@h PRIVMSG {nick} :help")
        reply = read_until(lambda l: l.startswith("PRIVMSG alice :") and "Commands" in l)
        assert len((reply + "\r\n").encode()) <= 512
        # Disconnect in the middle of a line.
        send(b":alice!a@h PRIVMSG " + nick.encode() + b" :half a li")
        conn.close()

    serve_one(listener, hostile)
    started = time.time()

    def after_reconnect(send, read_until, nick, conn):
        send(f":alice!a@h PRIVMSG {nick} :help")
        read_until(lambda l: l.startswith("PRIVMSG alice :") and "Commands" in l)
        conn.close()

    serve_one(listener, after_reconnect)
    assert time.time() - started < 5, "the first reconnect comes within 2 s (plus registration)"
    assert bot.proc.poll() is None, "the bot is still running"
    listener.close()


def test_a_silent_server_is_pinged_then_left_for_a_new_connection(make_bot):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.settimeout(20)
    port = listener.getsockname()[1]
    bot = make_bot(bot_conf(port, "#h", extra="identity = nick\nping_timeout = 4s\n")).start()
    pinged = []
    kept = []

    def silent(send, read_until, nick, conn):
        start = time.time()
        read_until(lambda l: l.startswith("PING "))
        pinged.append(time.time() - start)
        kept.append(conn)  # open, and never answering: the bot must give up on it by itself

    serve_one(listener, silent)
    started = time.time()
    serve_one(listener, lambda send, read_until, nick, conn: conn.close())
    assert pinged and pinged[0] < 4, "a PING after half the timeout"
    assert time.time() - started < 8, "a new connection once the timeout passed"
    assert "no traffic" in bot.log_text()
    listener.close()
