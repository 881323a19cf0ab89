"""A small, blocking IRC client for Liaison's end-to-end tests: real connections to real
servers on loopback, with helpers to wait for what the bot says."""
import base64
import socket
import ssl
import time


def parse(line):
    """(tags, source, command, params) of one IRC line; enough for the tests' needs."""
    tags = {}
    if line.startswith("@"):
        raw, line = line[1:].split(" ", 1)
        for item in raw.split(";"):
            k, _, v = item.partition("=")
            tags[k] = v
    source = None
    if line.startswith(":"):
        source, line = line[1:].split(" ", 1)
    trailing = None
    if " :" in line:
        line, trailing = line.split(" :", 1)
    params = line.split()
    command = params.pop(0).upper() if params else ""
    if trailing is not None:
        params.append(trailing)
    return tags, source, command, params


class Client:
    def __init__(self, port, nick, caps=(), account=None, password=None, host="127.0.0.1",
                 tls=False, certfile=None, keyfile=None, sasl_external=False, timeout=20):
        self.nick = nick
        self.lines = []        # every line received, raw
        self.messages = []     # (source nick, target, text) of PRIVMSG/NOTICE
        self.consumed = set()  # indexes of messages already returned by wait_text
        sock = socket.create_connection((host, port), timeout=timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if tls:
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            if certfile:
                ctx.load_cert_chain(certfile, keyfile)
            sock = ctx.wrap_socket(sock)
        self.sock = sock
        self.buf = b""
        want = set(caps)
        if account or sasl_external:
            want.add("sasl")
        if want:
            self.send("CAP LS 302")
        self.send(f"NICK {nick}")
        self.send(f"USER {nick} 0 * :{nick}")
        if want:
            offered = set()
            while True:
                _, _, cmd, params = self.wait(lambda t, s, c, p: c == "CAP" and p[1] == "LS")
                offered |= {c.split("=")[0] for c in params[-1].split()}
                if len(params) < 4 or params[2] != "*":
                    break
            self.send("CAP REQ :" + " ".join(sorted(want & offered)))
            self.wait(lambda t, s, c, p: c == "CAP" and p[1] in ("ACK", "NAK"))
            if account or sasl_external:
                mech = "EXTERNAL" if sasl_external else "PLAIN"
                self.send(f"AUTHENTICATE {mech}")
                self.wait(lambda t, s, c, p: c == "AUTHENTICATE")
                if sasl_external:
                    self.send("AUTHENTICATE +")
                else:
                    blob = base64.b64encode(f"{account}\0{account}\0{password}".encode()).decode()
                    self.send(f"AUTHENTICATE {blob}")
                _, _, cmd, params = self.wait(lambda t, s, c, p: c in ("903", "904", "905", "906"))
                if cmd != "903":
                    raise RuntimeError(f"SASL failed for {nick}: {cmd} {params}")
            self.send("CAP END")
        self.wait(lambda t, s, c, p: c == "001")
        self.wait(lambda t, s, c, p: c in ("376", "422"))

    def send(self, line):
        self.sock.sendall((line + "\r\n").encode())

    def _read(self, deadline):
        while b"\n" not in self.buf:
            self.sock.settimeout(max(0.05, deadline - time.time()))
            try:
                chunk = self.sock.recv(65536)
            except (socket.timeout, ssl.SSLError, TimeoutError):
                return None
            if not chunk:
                raise ConnectionError(f"{self.nick}: connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        line = line.rstrip(b"\r").decode("utf-8", "replace")
        self.lines.append(line)
        tags, source, cmd, params = parse(line)
        if cmd == "PING":
            self.send("PONG :" + (params[-1] if params else ""))
        if cmd in ("PRIVMSG", "NOTICE") and source:
            self.messages.append((source.split("!")[0], params[0], params[-1]))
        return tags, source, cmd, params

    def wait(self, predicate, timeout=20):
        """Reads until a line satisfies predicate(tags, source, command, params)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            msg = self._read(deadline)
            if msg is not None and predicate(*msg):
                return msg
        raise TimeoutError(f"{self.nick}: nothing matched within {timeout}s; last lines: {self.lines[-8:]}")

    def wait_text(self, sender, contains, target=None, timeout=20):
        """Waits for a PRIVMSG/NOTICE from `sender` containing `contains` (case-insensitive),
        including one that arrived while the test waited for something else. Each message is
        returned once."""
        def matches(i):
            s, tgt, text = self.messages[i]
            return (i not in self.consumed and s.lower() == sender.lower() and contains.lower() in text.lower()
                    and (target is None or tgt.lower() == target.lower()))
        deadline = time.time() + timeout
        while True:
            for i in range(len(self.messages)):
                if matches(i):
                    self.consumed.add(i)
                    return self.messages[i][2]
            if time.time() >= deadline:
                raise TimeoutError(f"{self.nick}: no message from {sender} with {contains!r}; got {self.messages[-6:]}")
            self._read(deadline)

    def said(self, sender, contains):
        return [text for (s, t, text) in self.messages if s.lower() == sender.lower() and contains.lower() in text.lower()]

    def drain(self, seconds=0.5):
        deadline = time.time() + seconds
        while time.time() < deadline:
            self._read(deadline)

    def join(self, channel):
        self.send(f"JOIN {channel}")
        self.wait(lambda t, s, c, p: c == "366" and p[1].lower() == channel.lower())

    def say(self, target, text):
        self.send(f"PRIVMSG {target} :{text}")

    def close(self):
        try:
            self.send("QUIT :bye")
            self.sock.close()
        except OSError:
            pass


def register_account(port, nick, password):
    """Registers a services account through NickServ and returns once it exists."""
    c = Client(port, nick)
    c.say("NickServ", f"REGISTER {password} {nick}@example.org")
    c.wait(lambda t, s, cmd, p: cmd == "NOTICE" and s and s.startswith("NickServ") and "registered" in p[-1].lower())
    c.close()


def opted_in_member(port, bot, nick, topics, password="pw", register=True):
    """A member as a person makes one: (registers and) logs in to the services account
    `nick`, opts in, and lists `topics`."""
    if register:
        register_account(port, nick, password)
    c = Client(port, nick, account=nick, password=password)
    c.say(bot, "optin")
    c.wait_text(bot, "you're in")
    c.say(bot, f"expertise add {topics}")
    c.wait_text(bot, "added")
    return c

