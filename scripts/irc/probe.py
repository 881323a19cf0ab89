#!/usr/bin/env python3
"""Raw-socket IRC client that proves the test servers started by servers.sh work.

    probe.py DIR/env [--no-restart]

Steps (each prints PASS or FAIL and what it saw):
  a  CAP LS 302 on InspIRCd, caps offered, ISUPPORT
  b  REGISTER an account with NickServ; the account is set at once
  c  SASL PLAIN; extended-join, account-tag and account-notify seen by a third client
  d  NickServ CERT ADD over TLS with the client certificate; SASL EXTERNAL with it
  e  WHOX (WHO #test %tcnfa,42) shows the account; MONITOR
  f  ngIRCd: register (plain and TLS)
  g  servers.sh restart-inspircd; a new connection and SASL PLAIN work again

Exits 0 when every step passed. Python 3 standard library only.
"""
import base64
import os
import socket
import ssl
import subprocess
import sys
import time

TIMEOUT = 10.0
RESULTS = []
FACTS = []


def fact(msg):
    FACTS.append(msg)
    print("   . " + msg)


def parse(line):
    """IRC line -> (tags dict, prefix, command, params)."""
    tags = {}
    if line.startswith("@"):
        raw, line = line[1:].split(" ", 1)
        for t in raw.split(";"):
            k, _, v = t.partition("=")
            tags[k] = v
    prefix = ""
    if line.startswith(":"):
        prefix, line = line[1:].split(" ", 1)
    if " :" in line:
        head, trailing = line.split(" :", 1)
        params = head.split() + [trailing]
    else:
        params = line.split()
    return tags, prefix, params[0].upper(), params[1:]


class Client:
    def __init__(self, name, host, port, tls=False, cert=None, key=None, ca=None):
        self.name = name
        self.t0 = time.monotonic()
        raw = socket.create_connection((host, port), timeout=TIMEOUT)
        if tls:
            ctx = ssl.create_default_context(cafile=ca)  # verifies against the run's CA
            if cert:
                ctx.load_cert_chain(cert, key)
            raw = ctx.wrap_socket(raw, server_hostname="localhost")
        self.sock = raw
        self.buf = b""
        self.log = []
        self.isupport = {}

    def send(self, line):
        self.sock.sendall((line + "\r\n").encode())

    def readline(self, deadline):
        while b"\r\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            self.sock.settimeout(left)
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("%s: connection closed" % self.name)
            self.buf += data
        line, self.buf = self.buf.split(b"\r\n", 1)
        line = line.decode("utf-8", "replace")
        self.log.append(line)
        msg = parse(line)
        if msg[2] == "PING":
            self.send("PONG :" + msg[3][-1])
        if msg[2] == "005":
            for tok in msg[3][1:-1]:
                k, _, v = tok.partition("=")
                self.isupport[k] = v
        return msg

    def expect(self, pred, timeout=TIMEOUT, what="?"):
        """Read until pred(msg) is true; return that msg."""
        deadline = time.monotonic() + timeout
        try:
            while True:
                m = self.readline(deadline)
                if pred(m):
                    return m
        except TimeoutError:
            raise AssertionError("%s: timed out waiting for %s; last lines: %s"
                                 % (self.name, what, self.log[-5:]))

    def cap_ls(self):
        self.send("CAP LS 302")
        caps = []
        while True:
            m = self.expect(lambda m: m[2] == "CAP", what="CAP LS")
            p = m[3]
            if p[1] != "LS":
                continue
            if p[2] == "*":
                caps += p[3].split()
            else:
                caps += p[2].split()
                return caps

    def cap_req(self, caps):
        self.send("CAP REQ :" + caps)
        m = self.expect(lambda m: m[2] == "CAP" and m[3][1] in ("ACK", "NAK"), what="CAP ACK")
        if m[3][1] != "ACK":
            raise AssertionError("%s: CAP REQ %s refused" % (self.name, caps))

    def register(self, nick, end_cap=True):
        self.send("NICK " + nick)
        self.send("USER %s 0 * :%s real name" % (nick, nick))
        if end_cap:
            self.send("CAP END")
        self.expect(lambda m: m[2] in ("001", "433", "ERROR"), what="001")
        if self.log and " 001 " not in self.log[-1]:
            raise AssertionError("%s: registration failed: %s" % (self.name, self.log[-1]))
        self.welcome_after = time.monotonic() - self.t0
        self.expect(lambda m: m[2] in ("376", "422"), what="end of MOTD")

    def sasl(self, mech, payload):
        """AUTHENTICATE exchange; returns (final numeric, all numerics seen)."""
        self.send("AUTHENTICATE " + mech)
        self.expect(lambda m: m[2] == "AUTHENTICATE", what="AUTHENTICATE +")
        self.send("AUTHENTICATE " + payload)
        seen = []
        while True:
            m = self.expect(lambda m: m[2] in ("900", "901", "902", "903", "904", "905",
                                                "906", "907", "908"), what="SASL result")
            seen.append((m[2], m[3][-1]))
            if m[2] in ("903", "904", "905", "906", "907"):
                return m[2], seen

    def close(self):
        try:
            self.send("QUIT :probe done")
        except OSError:
            pass
        self.sock.close()


def plain(user, password):
    return base64.b64encode(("%s\0%s\0%s" % (user, user, password)).encode()).decode()


def step(name, fn):
    print("-- " + name)
    t0 = time.monotonic()
    try:
        fn()
        RESULTS.append((name, True))
        print("PASS %s (%.2f s)" % (name, time.monotonic() - t0))
    except Exception as e:  # report and go on
        RESULTS.append((name, False))
        print("FAIL %s: %s: %s" % (name, type(e).__name__, e))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    env = {}
    with open(sys.argv[1]) as f:
        for line in f:
            k, _, v = line.strip().partition("=")
            if k:
                env[k] = v
    restart = "--no-restart" not in sys.argv
    host = env["IRC_HOST"]
    port, tls_port = int(env["INSPIRCD_PORT"]), int(env["INSPIRCD_TLS_PORT"])
    ca, cert, key = env["CA_CERT"], env["CLIENT_CERT"], env["CLIENT_KEY"]
    st = {}

    def insp(name, **kw):
        return Client(name, host, port, **kw)

    def insp_tls(name, with_cert=True):
        return Client(name, host, tls_port, tls=True, ca=ca,
                      cert=cert if with_cert else None, key=key if with_cert else None)

    # a ------------------------------------------------------------------------------------
    def a():
        c = insp("alice")
        caps = c.cap_ls()
        print("   caps: " + " ".join(caps))
        names = {x.split("=")[0] for x in caps}
        need = {"sasl", "account-tag", "extended-join", "account-notify", "away-notify",
                "cap-notify", "server-time", "echo-message", "message-tags", "multi-prefix"}
        missing = need - names
        if missing:
            raise AssertionError("missing caps: %s" % " ".join(sorted(missing)))
        c.register("alice")
        fact("InspIRCd: 001 %.2f s after connect (CAP LS, NICK/USER, CAP END)" % c.welcome_after)
        keys = ["LINELEN", "NICKLEN", "CASEMAPPING", "MONITOR", "WHOX", "CHANTYPES", "PREFIX",
                "NETWORK", "CHANNELLEN", "TOPICLEN", "USERLEN", "MAXTARGETS"]
        fact("InspIRCd ISUPPORT: " + " ".join(
            "%s=%s" % (k, c.isupport[k]) if c.isupport.get(k) else k
            for k in keys if k in c.isupport))
        for k in ("MONITOR", "WHOX"):
            if k not in c.isupport:
                raise AssertionError("ISUPPORT has no " + k)
        st["alice"] = c

    # b ------------------------------------------------------------------------------------
    def b():
        c = st["alice"]
        t0 = time.monotonic()
        c.send("PRIVMSG NickServ :REGISTER secretpw alice@example.org")
        got = {}
        deadline = time.monotonic() + TIMEOUT
        while not ("ns" in got and "900" in got):
            m = c.expect(lambda m: (m[2] == "NOTICE" and m[1].startswith("NickServ!"))
                         or m[2] == "900", timeout=max(0.1, deadline - time.monotonic()),
                         what="NickServ reply and 900")
            if m[2] == "900":
                got["900"] = (time.monotonic() - t0, m[3])
            else:
                print("   NickServ: " + m[3][-1])
                if "registered" in m[3][-1].lower():
                    got["ns"] = time.monotonic() - t0
                elif "not" in m[3][-1].lower() or "invalid" in m[3][-1].lower():
                    raise AssertionError("REGISTER refused: " + m[3][-1])
        fact("REGISTER: NickServ confirms after %.3f s; 900 RPL_LOGGEDIN after %.3f s: %s"
             % (got["ns"], got["900"][0], got["900"][1]))
        c.send("WHOIS alice")
        m = c.expect(lambda m: m[2] in ("330", "318"), what="WHOIS 330")
        if m[2] != "330" or m[3][2] != "alice":
            raise AssertionError("WHOIS shows no account: " + str(m))
        fact("WHOIS alice: 330 %s" % " ".join(m[3][1:]))
        # How soon is the new account usable for SASL from another connection?
        t1 = time.monotonic()
        d = insp("sasl-right-after-register")
        d.send("CAP REQ :sasl")
        d.send("NICK alice_early")
        d.send("USER x 0 * :x")
        d.expect(lambda m: m[2] == "CAP" and m[3][1] == "ACK", what="CAP ACK")
        res, seen = d.sasl("PLAIN", plain("alice", "secretpw"))
        fact("SASL PLAIN on a new connection right after REGISTER: %s (done %.3f s after "
             "the NickServ reply)" % (res, time.monotonic() - t1))
        d.close()
        if res != "903":
            raise AssertionError("fresh account not usable for SASL at once: %s" % seen)

    # c ------------------------------------------------------------------------------------
    def c_():
        w = insp("watcher")
        w.cap_ls()
        w.cap_req("extended-join account-tag account-notify")
        w.register("watcher")
        w.send("JOIN #test")
        w.expect(lambda m: m[2] == "366", what="JOIN #test")
        st["watcher"] = w

        # wrong password first: which numerics?
        bad = insp("sasl-bad")
        bad.send("CAP LS 302")
        bad.send("CAP REQ :sasl")
        bad.expect(lambda m: m[2] == "CAP" and m[3][1] == "ACK", what="CAP ACK")
        res, seen = bad.sasl("PLAIN", plain("alice", "wrongpw"))
        fact("SASL PLAIN, wrong password: %s" % "; ".join("%s %s" % s for s in seen))
        if res != "904":
            raise AssertionError("wrong password gave %s" % res)
        bad.close()

        s = insp("alice2")
        s.cap_ls()
        s.cap_req("sasl")
        s.send("NICK alice2")
        s.send("USER alice2 0 * :Alice Two")
        t0 = time.monotonic()
        res, seen = s.sasl("PLAIN", plain("alice", "secretpw"))
        fact("SASL PLAIN, right password (%.3f s): %s" % (time.monotonic() - t0,
                                                         "; ".join("%s %s" % x for x in seen)))
        if res != "903":
            raise AssertionError("SASL PLAIN failed: %s" % seen)
        s.send("CAP END")
        s.expect(lambda m: m[2] == "001", what="001")
        s.send("JOIN #test")
        s.expect(lambda m: m[2] == "366", what="JOIN #test")
        m = w.expect(lambda m: m[2] == "JOIN" and m[1].startswith("alice2!"), what="alice2 JOIN")
        print("   watcher saw: JOIN %s" % " ".join(m[3]))
        if len(m[3]) < 3 or m[3][1] != "alice":
            raise AssertionError("extended-join without account alice: %s" % (m,))
        s.send("PRIVMSG #test :hello from alice")
        m = w.expect(lambda m: m[2] == "PRIVMSG" and m[1].startswith("alice2!"), what="PRIVMSG")
        print("   watcher saw tags: %s" % m[0])
        if m[0].get("account") != "alice":
            raise AssertionError("account tag missing: %s" % (m[0],))
        st["alice2"] = s

        # account-notify: a user joins unauthenticated, then identifies
        u = insp("carol")
        u.register("carol")
        u.send("JOIN #test")
        u.expect(lambda m: m[2] == "366", what="JOIN")
        m = w.expect(lambda m: m[2] == "JOIN" and m[1].startswith("carol!"), what="carol JOIN")
        print("   watcher saw: JOIN %s" % " ".join(m[3]))
        u.send("PRIVMSG NickServ :IDENTIFY alice secretpw")
        m = w.expect(lambda m: m[2] == "ACCOUNT" and m[1].startswith("carol!"),
                     what="ACCOUNT (account-notify)")
        print("   watcher saw: %s ACCOUNT %s" % (m[1].split("!")[0], m[3][0]))
        u.send("PRIVMSG NickServ :LOGOUT")
        m = w.expect(lambda m: m[2] == "ACCOUNT" and m[1].startswith("carol!"), what="ACCOUNT *")
        print("   watcher saw after LOGOUT: ACCOUNT %s" % m[3][0])
        st["carol"] = u

    # d ------------------------------------------------------------------------------------
    def d():
        c = insp_tls("alice-tls")
        c.cap_ls()
        c.cap_req("sasl")
        c.send("NICK alice3")
        c.send("USER alice3 0 * :x")
        res, seen = c.sasl("PLAIN", plain("alice", "secretpw"))
        if res != "903":
            raise AssertionError("SASL PLAIN over TLS failed: %s" % seen)
        c.send("CAP END")
        c.expect(lambda m: m[2] == "001", what="001")
        c.send("WHOIS alice3")
        m = c.expect(lambda m: m[2] in ("276", "318"), what="WHOIS 276 (certfp)")
        if m[2] == "276":
            print("   WHOIS: " + m[3][-1])
        c.send("PRIVMSG NickServ :CERT ADD")
        m = c.expect(lambda m: m[2] == "NOTICE" and m[1].startswith("NickServ!"), what="CERT ADD")
        print("   NickServ: " + m[3][-1])
        if env["CLIENT_CERT_FP"] not in m[3][-1]:
            raise AssertionError("CERT ADD did not add %s" % env["CLIENT_CERT_FP"])
        c.close()
        e = insp_tls("alice-external")
        e.cap_ls()
        e.cap_req("sasl")
        e.send("NICK alice4")
        e.send("USER alice4 0 * :x")
        res, seen = e.sasl("EXTERNAL", "+")
        fact("SASL EXTERNAL with the client certificate: %s" % "; ".join("%s %s" % x for x in seen))
        if res != "903":
            raise AssertionError("SASL EXTERNAL failed: %s" % seen)
        e.send("CAP END")
        e.expect(lambda m: m[2] == "001", what="001")
        e.close()
        n = insp_tls("no-cert", with_cert=False)
        n.cap_ls()
        n.cap_req("sasl")
        res, seen = n.sasl("EXTERNAL", "+")
        fact("SASL EXTERNAL without a client certificate: %s" % "; ".join("%s %s" % x for x in seen))
        n.close()

    # e ------------------------------------------------------------------------------------
    def e():
        w = st["watcher"]
        w.send("WHO #test %tcnfa,42")
        rows = []
        while True:
            m = w.expect(lambda m: m[2] in ("354", "315"), what="WHOX reply")
            if m[2] == "315":
                break
            rows.append(m[3][1:])
        for r in rows:
            print("   354 " + " ".join(r))
        if not any(r[0] == "42" and r[2] == "alice2" and r[4] == "alice" for r in rows):
            raise AssertionError("WHOX did not show alice2 logged in as alice")
        # MONITOR
        w.send("MONITOR + alice2,nobodyhere")
        on = w.expect(lambda m: m[2] == "730", what="730 RPL_MONONLINE")
        off = w.expect(lambda m: m[2] == "731", what="731 RPL_MONOFFLINE")
        fact("MONITOR: 730 %s / 731 %s" % (on[3][-1], off[3][-1]))
        st["alice2"].close()
        m = w.expect(lambda m: m[2] == "731", what="731 after alice2 quit")
        print("   after alice2 quit: 731 " + m[3][-1])

    # f ------------------------------------------------------------------------------------
    def f():
        c = Client("ngircd", host, int(env["NGIRCD_PORT"]))
        caps = c.cap_ls()
        print("   ngIRCd caps: " + " ".join(caps))
        c.register("bob")
        fact("ngIRCd: 001 %.2f s after connect" % c.welcome_after)
        keys = ["LINELEN", "NICKLEN", "CASEMAPPING", "MONITOR", "WHOX", "CHANTYPES", "PREFIX",
                "NETWORK", "CHANNELLEN"]
        fact("ngIRCd ISUPPORT: " + " ".join(
            "%s=%s" % (k, c.isupport[k]) if c.isupport.get(k) else k
            for k in keys if k in c.isupport))
        t = Client("ngircd-tls", host, int(env["NGIRCD_TLS_PORT"]), tls=True, ca=ca)
        t.register("bobtls")
        c.send("JOIN #test")
        c.expect(lambda m: m[2] == "366", what="JOIN")
        t.send("JOIN #test")
        t.expect(lambda m: m[2] == "366", what="JOIN")
        # 20 lines at once must all arrive (MaxPenaltyTime = 0: no throttling)
        t0 = time.monotonic()
        for i in range(20):
            t.send("PRIVMSG #test :line %d" % i)
        for i in range(20):
            c.expect(lambda m: m[2] == "PRIVMSG" and m[3][-1] == "line %d" % i, timeout=5,
                     what="line %d" % i)
        fact("ngIRCd: 20 PRIVMSGs sent at once arrived in %.2f s" % (time.monotonic() - t0))
        c.close()
        t.close()

    # g ------------------------------------------------------------------------------------
    def g():
        for k in ("watcher", "carol", "alice"):
            if k in st:
                st[k].close()
        here = os.path.dirname(os.path.abspath(__file__))
        t0 = time.monotonic()
        r = subprocess.run([os.path.join(here, "servers.sh"), "restart-inspircd", env["IRC_DIR"]],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=120)
        print("   " + r.stdout.strip().replace("\n", "\n   "))
        if r.returncode != 0:
            raise AssertionError("restart-inspircd failed")
        fact("restart-inspircd returned after %.2f s" % (time.monotonic() - t0))
        s = insp("after-restart")
        s.cap_ls()
        s.cap_req("sasl")
        s.send("NICK alice5")
        s.send("USER alice5 0 * :x")
        res, seen = s.sasl("PLAIN", plain("alice", "secretpw"))
        if res != "903":
            raise AssertionError("SASL PLAIN after restart: %s" % seen)
        s.send("CAP END")
        s.expect(lambda m: m[2] == "001", what="001")
        s.close()

    step("a: CAP LS 302 on InspIRCd", a)
    step("b: NickServ REGISTER", b)
    step("c: SASL PLAIN, extended-join, account-tag, account-notify", c_)
    step("d: CERT ADD over TLS, SASL EXTERNAL", d)
    step("e: WHOX and MONITOR", e)
    step("f: ngIRCd", f)
    if restart:
        step("g: restart-inspircd, Atheme relinks, SASL PLAIN again", g)

    print()
    for name, ok in RESULTS:
        print("%s %s" % ("PASS" if ok else "FAIL", name))
    passed = sum(ok for _, ok in RESULTS)
    print("%d passed, %d failed" % (passed, len(RESULTS) - passed))
    sys.exit(0 if passed == len(RESULTS) else 1)


if __name__ == "__main__":
    main()
