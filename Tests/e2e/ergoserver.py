"""A scripted IRC server that answers as Ergo does (the IRCv3 reference server, which CI
cannot build): CAP with echo-message, away-notify, batch, draft/multiline and
draft/chathistory; WHOX with the H/G flag of always-on nicks; MONITOR; CHATHISTORY from the
lines the bot wrote. A thread answers the bot; the test reads `got` and sends lines."""
import socket
import threading
import time
from datetime import datetime, timezone

from ircclient import parse

CAPS = ("account-notify away-notify extended-join account-tag message-tags echo-message server-time batch "
        "draft/multiline=max-bytes=4096,max-lines=24 draft/chathistory")


def stamp():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class ErgoServer:
    """One listening socket; `accept()` takes the bot's next connection."""

    def __init__(self, nick="liaison", channels=("#h",)):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(4)
        self.listener.settimeout(30)
        self.port = self.listener.getsockname()[1]
        self.nick = nick
        self.channels = list(channels)
        # nick -> {"account": str, "away": bool, "channels": set}
        self.users = {}
        self.echo = True
        # folded nick -> the conversation with the bot: (time, source, [lines]) (several: a batch)
        self.history = {}
        self.keep_history = None    # targets whose lines the server keeps (None: all)
        self.got = []               # every line from the bot, on every connection
        self.lock = threading.Lock()
        self.conn = None

    def heard(self, nick, text):
        """A line from `nick` to the bot, kept in their history with the bot's replies."""
        self._record(nick, [text], source=f"{nick}!{nick[0]}@ergo.test")

    def user(self, nick, account=None, away=False, channels=()):
        self.users[nick] = {"account": account or nick, "away": away, "channels": set(channels)}

    def accept(self):
        conn, _ = self.listener.accept()
        conn.settimeout(0.2)
        self.conn = conn
        self.buf = b""
        self.batch = None
        threading.Thread(target=self._serve, args=(conn,), daemon=True).start()
        return conn

    def send(self, line):
        try:
            self.conn.sendall((line + "\r\n").encode())
        except OSError:
            pass

    def close(self):
        if self.conn:
            self.conn.close()

    def lines(self):
        with self.lock:
            return list(self.got)

    def wait_for(self, predicate, timeout=20, after=0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for line in self.lines()[after:]:
                if predicate(line):
                    return line
            time.sleep(0.05)
        raise TimeoutError(f"not seen within {timeout}s; last lines: {self.lines()[-10:]}")

    def privmsgs(self, target, after=0):
        """Texts the bot sent to `target` (batched lines included), from line index `after`."""
        out = []
        for line in self.lines()[after:]:
            _, _, cmd, params = parse(line)
            if cmd == "PRIVMSG" and len(params) >= 2 and params[0].lower() == target.lower():
                out.append(params[1])
        return out

    # The server side.

    def _serve(self, conn):
        buf = b""
        while True:
            try:
                chunk = conn.recv(65536)
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return
            if not chunk:
                return
            buf += chunk
            while b"\n" in buf:
                raw, buf = buf.split(b"\n", 1)
                line = raw.rstrip(b"\r").decode("utf-8", "replace")
                with self.lock:
                    self.got.append(line)
                try:
                    self._answer(line)
                except Exception as error:  # a test server must not die quietly
                    with self.lock:
                        self.got.append(f"!! server error {error!r}")

    def _me(self):
        return f"{self.nick}!bot@ergo.test"

    def _answer(self, line):
        tags, _, cmd, p = parse(line)
        n = self.nick
        if cmd == "CAP" and p[:1] == ["LS"]:
            self.send(f":ergo.test CAP * LS :{CAPS}")
        elif cmd == "CAP" and p[:1] == ["REQ"]:
            self.send(f":ergo.test CAP * ACK :{p[-1]}")
        elif cmd == "CAP" and p[:1] == ["END"]:
            self.send(f":ergo.test 001 {n} :Welcome to the Ergo test network {self._me()}")
            self.send(f":ergo.test 005 {n} CASEMAPPING=ascii CHANTYPES=# WHOX MONITOR=100 CHATHISTORY=1000 BOT=B :are supported")
            self.send(f":ergo.test 376 {n} :End of MOTD")
        elif cmd == "PING":
            self.send(f":ergo.test PONG ergo.test :{p[-1] if p else ''}")
        elif cmd == "JOIN":
            channel = p[0]
            names = " ".join([n] + [u for u, d in self.users.items() if channel in d["channels"]])
            self.send(f":{self._me()} JOIN {channel} * :Liaison")
            self.send(f":ergo.test 353 {n} = {channel} :{names}")
            self.send(f":ergo.test 366 {n} {channel} :End of NAMES list")
        elif cmd == "WHO":
            mask = p[0]
            token = p[1].split(",")[-1] if len(p) > 1 and "," in p[1] else ""
            for u, d in self.users.items():
                flag = "G" if d["away"] else "H"
                if mask.startswith("#") and mask in d["channels"]:
                    self.send(f":ergo.test 354 {n} {token} {mask} {u} {flag} {d['account']}")
                elif mask.lower() == u.lower():
                    self.send(f":ergo.test 354 {n} {token} {u[0]} ergo.test {u} {flag} {d['account']}")
            self.send(f":ergo.test 315 {n} {mask} :End of WHO list")
        elif cmd == "MONITOR" and p[:1] == ["+"]:
            for target in p[1].split(","):
                if target in self.users:
                    self.send(f":ergo.test 730 {n} :{target}!{target[0]}@ergo.test")
                else:
                    self.send(f":ergo.test 731 {n} :{target}")
        elif cmd == "BATCH" and p and p[0].startswith("+"):
            self.batch = (p[0][1:], p[2] if len(p) > 2 else "", [])
        elif cmd == "BATCH" and p and p[0].startswith("-") and self.batch:
            ref, target, texts = self.batch
            self.batch = None
            self._record(target, texts)
            if self.echo:
                self.send(f"@time={stamp()};msgid=e{len(self.got)} :{self._me()} BATCH +e{ref} draft/multiline {target}")
                for text in texts:
                    self.send(f"@batch=e{ref} :{self._me()} PRIVMSG {target} :{text}")
                self.send(f":{self._me()} BATCH -e{ref}")
        elif cmd == "PRIVMSG" and len(p) >= 2:
            if "batch" in tags and self.batch:
                self.batch[2].append(p[1])
                return
            self._record(p[0], [p[1]])
            if self.echo:
                self.send(f"@time={stamp()};msgid=e{len(self.got)} :{self._me()} PRIVMSG {p[0]} :{p[1]}")
        elif cmd == "CHATHISTORY" and len(p) >= 4 and p[0] == "LATEST":
            target = p[1]
            self.send(f":ergo.test BATCH +h1 chathistory {target}")
            for when, source, texts in self.history.get(target.lower(), [])[-int(p[3]):]:
                to = target if source == self._me() else self.nick
                if len(texts) == 1:
                    self.send(f"@batch=h1;time={when};msgid=m1 :{source} PRIVMSG {to} :{texts[0]}")
                else:
                    self.send(f"@batch=h1;time={when};msgid=m2 :{source} BATCH +m draft/multiline {to}")
                    for text in texts:
                        self.send(f"@batch=m :{source} PRIVMSG {to} :{text}")
                    self.send(f"@batch=h1 :{source} BATCH -m")
            self.send(":ergo.test BATCH -h1")

    def _record(self, target, texts, source=None):
        if self.keep_history is None or target.lower() in self.keep_history:
            self.history.setdefault(target.lower(), []).append((stamp(), source or self._me(), texts))
