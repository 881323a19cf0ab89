#!/usr/bin/env python3
"""End-to-end IRC figures of Liaison beside an echo floor, Sopel and Limnoria, on loopback.

Starts the test servers (scripts/irc/servers.sh: ngIRCd with MaxPenaltyTime = 0, InspIRCd +
Atheme) in a temp folder. The main figures come from ngIRCd; every figure's name starts with
the server it was measured on (ngircd_..., inspircd_...).

Bots, each alone in its own channel, all connected at once and measured in interleaved rounds
(--rounds rounds of --requests/--rounds requests per bot, bots taking turns):
  - floor:    a ~20-line socket client of this script's own answering "!ping K" with "pong K"
              (what any bot's reply costs at least: the server and the driver);
  - liaison:  the release binary, pacing off (flood_interval = 0s), broker limits raised;
              "!ask subject number K" -> its "Request #N: ..." reply in the channel;
  - sopel:    Sopel 8 from PyPI, a .ping plugin, flood control and anti-loop off;
  - limnoria: Limnoria from PyPI, "!echo pong K" (Utilities), throttleTime 0, command-flood
              defence off, no nick prefix, silent on unknown commands.
The requesters (--requesters clients) take turns; one request at a time, each waits for its
answer. They use TCP_NODELAY and re-arm TCP_QUICKACK after every read: InspIRCd leaves Nagle
on, so a client that delays its ACKs would hold the bot's next line ~40 ms (the bots' own
sockets are left as they are).

Figures (name value unit):
  SERVER_BOT_reply_p50/p99         send -> the bot's reply in the channel
  SERVER_BOT_cpu_per_request       utime+stime of the bot's process over its rounds / requests
  SERVER_BOT_idle_rss              VmRSS after joining one channel and idling 2 s
  ngircd_BOT_burst_200             20 requesters send 10 requests each at once: time until
                                   all 200 replies are in (median of --rounds bursts)
  ngircd_liaison_pileup_*          one requester whose open requests grow to --requests:
                                   p50 of the first and of the last 10%
  ngircd_liaison_members_M_*       "!ask kubernetes" matching M (--members) opted-in members
                                   with 3 topics each (seeded through the console) vs an ask
                                   matching nobody, --member-asks each, alternating; every
                                   request is cancelled before the next, so each meets the same
                                   state
and the ratios of Liaison to the others. InspIRCd runs the floor, Liaison and Sopel only.

Usage: .venv/bin/python scripts/bench-irc.py [--requests N] [--rounds R] [--requesters C]
           [--members M] [--member-asks A] [--no-inspircd] [--no-burst] [--binary PATH]
           [--only compare|pileup|members ...]
--only runs just the named parts on ngIRCd (repeat it for more), InspIRCd only with compare.
The binary defaults to $LIAISON_BIN, else .build/release/liaison. Sopel and Limnoria are
installed from PyPI into this Python's environment when missing.
"""
import argparse
import concurrent.futures
import importlib.metadata
import json
import math
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Tests" / "e2e"))
try:
    import pytest  # noqa: F401  (conftest, whose Bot and servers this script shares, needs it)
except ImportError:
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "pytest"], check=True, stdout=sys.stderr)
import conftest  # noqa: E402
from conftest import Bot, bot_conf, SERVERS  # noqa: E402
from ircclient import Client, parse  # noqa: E402

TCP_QUICKACK = getattr(socket, "TCP_QUICKACK", 12)  # Linux
CLK_TCK = os.sysconf("SC_CLK_TCK")
BROKER = ("max_open_requests = 1000000\nmax_requests_per_day = 1000000\nmax_offers_per_week = 1000000\n"
          "channel_replies_per_minute = 1000000\ncommands_per_minute = 0")

FLOOR = r'''import socket, sys
port, nick, chan = int(sys.argv[1]), sys.argv[2].encode(), sys.argv[3].encode()
s = socket.create_connection(("127.0.0.1", port))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
s.sendall(b"NICK %s\r\nUSER %s 0 * :%s\r\n" % (nick, nick, nick))
buf = b""
while True:
    s.setsockopt(socket.IPPROTO_TCP, 12, 1)  # TCP_QUICKACK
    data = s.recv(65536)
    if not data:
        break
    *lines, buf = (buf + data).split(b"\n")
    out = []
    for line in lines:
        p = line.rstrip(b"\r").split(b" ", 3)
        if p[0] == b"PING":
            out.append(b"PONG " + p[1])
        elif len(p) > 1 and p[1] in (b"376", b"422"):
            out.append(b"JOIN " + chan)
        elif len(p) == 4 and p[1] == b"PRIVMSG" and p[3].startswith(b":!ping "):
            out.append(b"PRIVMSG " + p[2] + b" :pong " + p[3][7:])
    if out:
        s.sendall(b"".join(o + b"\r\n" for o in out))
'''

SOPEL_FLOOD = {  # Sopel 8 [core] keys (sopel/irc/__init__.py, say()): never pace, never rewrite
    "flood_burst_lines": 1000000,   # the burst bucket never empties, so no wait is computed
    "flood_refill_rate": 1000000,
    "flood_empty_wait": 0,
    "flood_max_wait": 0,            # documented: 0 disables flood protection
    "flood_penalty_ratio": 0,       # no extra wait for long lines
    "antiloop_threshold": 0,        # no "..." substitution of repeated replies
}
SOPEL_PLUGIN = '''from sopel import plugin

@plugin.command("ping")
def ping(bot, trigger):
    bot.say("pong " + (trigger.group(2) or ""))
'''
LIMNORIA_CONF = {  # supybot/conf.py registry keys
    "supybot.protocols.irc.throttleTime": "0.0",       # queued replies sent at once (default 1 s apart)
    "supybot.abuse.flood.command": "False",            # no ignoring users past 12 commands a minute
    "supybot.abuse.flood.command.invalid": "False",
    "supybot.reply.whenNotCommand": "False",           # silent on what is not its command
    "supybot.reply.withNickPrefix": "False",           # "pong K", not "nick: pong K"
    "supybot.reply.whenAddressedBy.chars": "!",
    "supybot.plugins": "Admin Misc Owner User Utilities",
    "supybot.plugins.Admin": "True",
    "supybot.plugins.Misc": "True",
    "supybot.plugins.Owner": "True",
    "supybot.plugins.User": "True",
    "supybot.plugins.Utilities": "True",
    "supybot.log.level": "WARNING",
    "supybot.log.stdout.level": "WARNING",
}


def emit(name, value, unit, decimals=3):
    print(f"{name} {value:.{decimals}f} {unit}", flush=True)


def note(text):
    print(text, file=sys.stderr, flush=True)


class QuickAckClient(Client):
    """Acknowledges every read at once (the kernel resets TCP_QUICKACK after use)."""

    def _read(self, deadline):
        self.sock.setsockopt(socket.IPPROTO_TCP, TCP_QUICKACK, 1)
        msg = super()._read(deadline)
        self.sock.setsockopt(socket.IPPROTO_TCP, TCP_QUICKACK, 1)
        return msg


def drain(client):
    """Discards whatever is already waiting on the socket (answering PINGs), so that a request's
    latency does not include parsing other requesters' traffic."""
    client.sock.setblocking(False)
    try:
        while True:
            chunk = client.sock.recv(65536)
            if not chunk:
                raise ConnectionError(f"{client.nick}: connection closed")
            client.buf += chunk
    except BlockingIOError:
        pass
    finally:
        client.sock.setblocking(True)
        client.sock.setsockopt(socket.IPPROTO_TCP, TCP_QUICKACK, 1)
    *lines, client.buf = client.buf.split(b"\n")
    for raw in lines:
        _, _, cmd, params = parse(raw.rstrip(b"\r").decode("utf-8", "replace"))
        if cmd == "PING":
            client.send("PONG :" + (params[-1] if params else ""))
    client.lines.clear()
    client.messages.clear()


def percentiles(xs):
    xs = sorted(xs)
    return statistics.median(xs), xs[max(0, math.ceil(0.99 * len(xs)) - 1)]


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime


def rss_mb(pid):
    line = next(l for l in Path(f"/proc/{pid}/status").read_text().splitlines() if l.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def stop(proc):
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Target:
    """One bot under test: where it listens, what to send it and how its answer reads."""

    def __init__(self, name, nick, channel, request, answered):
        self.name, self.nick, self.channel = name, nick, channel
        self.request, self.answered = request, answered  # request(k) -> text; answered(k, text)
        self.proc = None
        self.sent = 0          # requests sent so far (Liaison's request ids follow it)
        self.latencies = []
        self.cpu = 0.0
        self.bursts = []

    def is_reply(self, s, cmd, p):
        return (cmd == "PRIVMSG" and s and s.split("!")[0].lower() == self.nick.lower()
                and p[0].lower() == self.channel.lower())


def round_trip(client, target, text, answered):
    """ms from sending text to the target's channel line for which answered(line) holds."""
    drain(client)
    start = time.perf_counter()
    client.say(target.channel, text)
    client.wait(lambda t, s, cmd, p: target.is_reply(s, cmd, p) and answered(p[-1]))
    return (time.perf_counter() - start) * 1000


def run_round(clients, target, n, record=True):
    cpu0 = cpu_seconds(target.proc.pid)
    for _ in range(n):
        k = target.sent
        ms = round_trip(clients[k % len(clients)], target, target.request(k), lambda text: target.answered(k, text))
        target.sent += 1
        if record:
            target.latencies.append(ms)
    if record:
        target.cpu += cpu_seconds(target.proc.pid) - cpu0


def burst(clients, target, per_client=10):
    """Every client sends per_client requests in one write; ms until the first client has seen
    all the replies."""
    for c in clients:
        drain(c)
    base, total = target.sent, len(clients) * per_client
    payloads = [b"".join(f"PRIVMSG {target.channel} :{target.request(base + i * per_client + j)}\r\n".encode()
                         for j in range(per_client)) for i in range(len(clients))]
    listener, seen = clients[0], 0
    start = time.perf_counter()
    for c, data in zip(clients, payloads):
        c.sock.sendall(data)
    while seen < total:
        listener.wait(lambda t, s, cmd, p: target.is_reply(s, cmd, p), timeout=60)
        seen += 1
    target.sent += total
    target.bursts.append((time.perf_counter() - start) * 1000)


def connect(port, prefix, count, channels):
    """count clients joined to every channel (in parallel: InspIRCd registers once a second)."""
    def one(i):
        c = QuickAckClient(int(port), f"{prefix}{i}")
        for ch in channels:
            c.join(ch)
        return c
    with concurrent.futures.ThreadPoolExecutor(min(count, 32)) as pool:
        return list(pool.map(one, range(count)))


def wait_joined(client, targets, timeout=90):
    """Until every target's nick has joined its channel, as seen by a client in all of them."""
    missing = {(t.nick.lower(), t.channel.lower()): t for t in targets}
    deadline = time.time() + timeout
    while missing and time.time() < deadline:
        for t in missing.values():
            if t.proc.poll() is not None:
                raise RuntimeError(f"{t.name} exited with {t.proc.returncode}")
        try:
            client.wait(lambda tg, s, c, p: c == "JOIN" and s
                        and missing.pop((s.split("!")[0].lower(), p[0].lower()), None) is not None and not missing,
                        timeout=1)
        except TimeoutError:
            pass
    if missing:
        raise TimeoutError(f"not joined within {timeout}s: {sorted(t.name for t in missing.values())}")


def ensure(package, spec, major=None):
    """The installed version of package, after `pip install spec` (PyPI) when it is missing or
    not of the major version wanted."""
    try:
        version = importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        version = None
    if version is None or (major is not None and version.split(".")[0] != str(major)):
        note(f"installing {spec} from PyPI into {sys.prefix}")
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", spec], check=True, stdout=sys.stderr)
    return importlib.metadata.version(package)


# --------------------------------------------------------------------------------------------
# the bots

def start_floor(work, port, target):
    script = work / "floor.py"
    script.write_text(FLOOR)
    log = open(work / f"floor-{target.channel[1:]}.out", "w")
    target.proc = subprocess.Popen([sys.executable, str(script), str(port), target.nick, target.channel],
                                   stdin=subprocess.DEVNULL, stdout=log, stderr=log)


def liaison_conf(port, channel, nick, identity, console=False):
    conf = bot_conf(port, channel, extra=f"nick = {nick}\nidentity = {identity}\n", network="bench",
                    broker=BROKER, flood="flood_interval = 0s")
    return conf.replace("[console]\nenabled = no", "[console]\nenabled = yes") if console else conf


def start_liaison(port, target, identity, console=False, binary=None):
    bot = Bot(liaison_conf(port, target.channel, target.nick, identity, console))
    if binary is None:
        bot.start(console=console)
    else:  # conftest.Bot starts conftest.BINARY: another build for this one
        saved, conftest.BINARY = conftest.BINARY, binary
        try:
            bot.start(console=console)
        finally:
            conftest.BINARY = saved
    target.proc, target.bot = bot.proc, bot
    return bot


def start_sopel(work, port, target):
    home = work / f"sopel-{target.channel[1:]}"
    (home / "plugins").mkdir(parents=True)
    (home / "plugins" / "benchping.py").write_text(SOPEL_PLUGIN)
    flood = "".join(f"{k} = {v}\n" for k, v in SOPEL_FLOOD.items())
    (home / "bench.cfg").write_text(
        f"[core]\nnick = {target.nick}\nuser = {target.nick}\nhost = 127.0.0.1\nport = {port}\n"
        f"use_ssl = false\nowner = benchowner\nchannels = {target.channel}\n"
        f"enable = benchping\nhomedir = {home}\nlogdir = {home}/logs\npid_dir = {home}\n{flood}")
    log = open(home / "sopel.out", "w")
    cmd = [str(Path(sys.executable).parent / "sopel"), "start", "-c", str(home / "bench.cfg")]  # foreground
    if os.geteuid() == 0:  # Sopel refuses root; skip only that check
        cmd[:1] = [sys.executable, "-c", "import sys, sopel.cli.run as r; r.check_not_root = lambda: None; "
                   "sys.exit(r.main(sys.argv[1:]))"]
    target.proc = subprocess.Popen(cmd, cwd=home, stdin=subprocess.DEVNULL, stdout=log, stderr=log)


def start_limnoria(work, port, target):
    home = work / f"limnoria-{target.channel[1:]}"
    for d in ("conf", "data", "backup", "log", "plugins"):
        (home / d).mkdir(parents=True)
    for f in ("users", "channels", "networks", "ignores"):  # empty databases, not "missing" errors
        (home / "conf" / f"{f}.conf").write_text("")
    keys = {
        "supybot.nick": target.nick,
        "supybot.ident": target.nick,
        "supybot.user": target.nick,
        "supybot.networks": "bench",
        "supybot.networks.bench.servers": f"127.0.0.1:{port}",
        "supybot.networks.bench.channels": target.channel,
        "supybot.networks.bench.ssl": "False",
        **{f"supybot.directories.{d}": str(home / d) for d in ("conf", "data", "backup", "log")},
        "supybot.directories.plugins": str(home / "plugins"),
        **LIMNORIA_CONF,
    }
    (home / "bench.conf").write_text("".join(f"{k}: {v}\n" for k, v in keys.items()))
    log = open(home / "limnoria.out", "w")
    cmd = [str(Path(sys.executable).parent / "limnoria"), str(home / "bench.conf")]
    if os.geteuid() == 0:
        cmd.insert(1, "--allow-root")
    target.proc = subprocess.Popen(cmd, cwd=home, stdin=subprocess.DEVNULL, stdout=log, stderr=log)


def floor_target(channel):
    return Target("floor", "floorbench", channel, lambda k: f"!ping {k}", lambda k, text: text == f"pong {k}")


def liaison_target(channel, nick="liaison", name="liaison"):
    return Target(name, nick, channel, lambda k: f"!ask subject number {k}",
                  lambda k, text: f"Request #{k + 1}:" in text)  # ids from 1 in a fresh state


def sopel_target(channel):
    return Target("sopel", "sopelbench", channel, lambda k: f".ping {k}", lambda k, text: text == f"pong {k}")


def limnoria_target(channel):
    return Target("limnoria", "limnobench", channel, lambda k: f"!echo pong {k}", lambda k, text: text == f"pong {k}")


# --------------------------------------------------------------------------------------------
# the benches

def compare(server, targets, clients, args, work, port, identity):
    """Latency, CPU, RSS and bursts of every target, in interleaved rounds."""
    starters = {
        "floor": lambda t: start_floor(work, port, t),
        "liaison": lambda t: start_liaison(port, t, identity),
        "baseline": lambda t: start_liaison(port, t, identity, binary=args.baseline),
        "sopel": lambda t: start_sopel(work, port, t),
        "limnoria": lambda t: start_limnoria(work, port, t),
    }
    try:
        for t in targets:
            starters[t.name](t)
        wait_joined(clients[0], targets)
        for t in targets:
            if t.name in ("liaison", "baseline"):
                t.bot.wait_log("WordNet loaded", timeout=60)
        time.sleep(2)
        for t in targets:
            emit(f"{server}_{t.name}_idle_rss", rss_mb(t.proc.pid), "MB", 1)
        for t in targets:  # warm-up, not counted
            run_round(clients, t, min(20, args.requests), record=False)
        per_round = max(1, args.requests // args.rounds)
        for r in range(args.rounds):
            for t in (targets if r % 2 == 0 else targets[::-1]):
                run_round(clients, t, per_round)
        if not args.no_burst:
            for r in range(args.rounds):
                for t in targets:
                    burst(clients, t)
        by = {t.name: t for t in targets}
        for t in targets:
            p50, p99 = percentiles(t.latencies)
            emit(f"{server}_{t.name}_reply_p50", p50, "ms")
            emit(f"{server}_{t.name}_reply_p99", p99, "ms")
        for t in targets:
            emit(f"{server}_{t.name}_cpu_per_request", t.cpu * 1000 / len(t.latencies), "ms")
        lp50, lp99 = percentiles(by["liaison"].latencies)
        for other in ("baseline", "sopel", "limnoria", "floor"):
            if other in by:
                op50, op99 = percentiles(by[other].latencies)
                emit(f"{server}_reply_p50_ratio_liaison_over_{other}", lp50 / op50, "x", 2)
                if other != "floor":
                    emit(f"{server}_reply_p99_ratio_liaison_over_{other}", lp99 / op99, "x", 2)
        if not args.no_burst:
            for t in targets:
                emit(f"{server}_{t.name}_burst_200", statistics.median(t.bursts), "ms", 1)
            lb = statistics.median(by["liaison"].bursts)
            for other in ("baseline", "sopel", "limnoria"):
                if other in by:
                    emit(f"{server}_burst_ratio_liaison_over_{other}", lb / statistics.median(by[other].bursts), "x", 2)
    finally:
        for t in targets:
            stop(t.proc)
            if hasattr(t, "bot"):
                note(f"{server} liaison log: {t.bot.log_path} (exit {t.proc.returncode})")


def pileup(server, port, n):
    """One requester asks n times without cancelling: its open requests grow to n."""
    target = liaison_target("#bench-pileup", nick="liaisonpile")
    client, warm = QuickAckClient(int(port), "piler"), QuickAckClient(int(port), "pilewarm")
    client.join(target.channel)
    warm.join(target.channel)
    bot = start_liaison(port, target, "nick")
    try:
        wait_joined(client, [target])
        bot.wait_log("WordNet loaded", timeout=60)
        run_round([warm], target, 20, record=False)  # a fresh process's first requests, not counted
        latencies = []
        for _ in range(n):
            k = target.sent
            latencies.append(round_trip(client, target, target.request(k), lambda text: f"Request #{k + 1}:" in text))
            target.sent += 1
        tenth = max(1, n // 10)
        first, last = statistics.median(latencies[:tenth]), statistics.median(latencies[-tenth:])
        emit(f"{server}_liaison_pileup_first10pct_p50", first, "ms")
        emit(f"{server}_liaison_pileup_last10pct_p50", last, "ms")
        emit(f"{server}_liaison_pileup_ratio_last_over_first", last / first, "x", 2)
    finally:
        stop(bot.proc)
        client.close()
        warm.close()


def member_lines(members):
    """Console lines making `members` opted-in members with 3 topics each: "kubernetes" (so one
    ask matches them all) and two topics of the evaluation directory (fixed seed)."""
    entries = json.loads((ROOT / "Benchmarks" / "data" / "matching-directory.json").read_text())["entries"]
    pool = sorted({e["topic"] for e in entries
                   if not re.search(r"kube|subject|number|,", e["topic"], re.I)})
    rng = random.Random(42)
    lines = []
    for i in range(members):
        lines.append(f"m{i}: optin")
        lines.append(f"m{i}: expertise add kubernetes, {', '.join(rng.sample(pool, 2))}")
    lines.append("seeddone: topics")
    return lines


def members(server, port, clients, n, count):
    """!ask matching `count` members vs an ask matching nobody, alternating; each request is
    cancelled before the next, so every ask meets the same state."""
    target = liaison_target("#bench-members", nick="liaisonmem")
    for c in clients:
        c.join(target.channel)
    bot = start_liaison(port, target, "nick", console=True)
    try:
        seeded = time.time()
        for line in member_lines(count):
            bot.proc.stdin.write((line + "\n").encode())
        bot.proc.stdin.flush()
        bot.wait_console("-> seeddone:", timeout=300)
        note(f"{server}: {count} members seeded through the console in {time.time() - seeded:.1f} s")
        wait_joined(clients[0], [target])
        bot.wait_log("WordNet loaded", timeout=60)
        cases = {"match": ("kubernetes", r"Request #\d+: [\d,]+ members? knows? about"),
                 "nomatch": ("subject number", r"Request #\d+: nobody who knows about")}
        got = {name: [] for name in cases}
        for k in range(2 * n):
            name = "match" if k % 2 == 0 else "nomatch"
            topic, says = cases[name]
            c = clients[(k // 2) % len(clients)]
            rid = k + 1
            got[name].append(round_trip(c, target, f"!ask {topic}",
                                        lambda text: f"Request #{rid}:" in text))
            reply = c.lines[-1]
            if not re.search(says, reply):
                raise RuntimeError(f"members bench: {name} ask got {reply!r}")
            if k < 2:
                note(f"{server} members bench, {name}: {reply.split(' :', 1)[-1]}")
            c.say(target.channel, f"!cancel {rid}")
            c.wait(lambda t, s, cmd, p: cmd in ("PRIVMSG", "NOTICE") and s and s.split("!")[0] == target.nick
                   and f"cancelled request #{rid}" in p[-1].lower())
        m, nm = statistics.median(got["match"]), statistics.median(got["nomatch"])
        emit(f"{server}_liaison_members_{count}_match_p50", m, "ms")
        emit(f"{server}_liaison_members_{count}_nomatch_p50", nm, "ms")
        emit(f"{server}_liaison_members_{count}_ratio_match_over_nomatch", m / nm, "x", 2)
    finally:
        stop(bot.proc)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=1000, help="per bot and per bench (default 1000)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--requesters", type=int, default=20)
    ap.add_argument("--members", type=int, default=1000, help="members seeded for the members bench")
    ap.add_argument("--member-asks", type=int, default=200, help="matching and non-matching asks each")
    ap.add_argument("--no-inspircd", action="store_true", help="ngIRCd figures only")
    ap.add_argument("--no-burst", action="store_true")
    ap.add_argument("--only", action="append", choices=["compare", "pileup", "members"],
                    help="run only this part on ngIRCd (repeatable; InspIRCd only with compare)")
    ap.add_argument("--binary", default=os.environ.get("LIAISON_BIN", str(ROOT / ".build" / "release" / "liaison")))
    ap.add_argument("--baseline", type=Path, default=None,
                    help="another liaison build (an earlier commit's) run beside --binary in the same "
                         "interleaved rounds, as 'baseline', with ratios of liaison over it")
    args = ap.parse_args()
    if args.baseline is not None:
        args.baseline = args.baseline.absolute()
        if not args.baseline.is_file():
            sys.exit(f"no liaison binary at {args.baseline} (--baseline PATH)")
    conftest.BINARY = binary = Path(args.binary).absolute()  # what conftest.Bot starts
    if not binary.is_file():
        sys.exit(f"no liaison binary at {binary} (--binary PATH or LIAISON_BIN)")
    parts = set(args.only or ["compare", "pileup", "members"])
    if "compare" not in parts:
        args.no_inspircd = True
    sopel = ensure("sopel", "sopel>=8,<9", major=8) if "compare" in parts else "(not run)"
    limnoria = ensure("limnoria", "limnoria") if "compare" in parts else "(not run)"
    note(f"liaison {binary}; sopel {sopel}; limnoria {limnoria}; {args.requests} requests per bot in "
         f"{args.rounds} rounds over {args.requesters} requesters")
    emit("machine_load_1min_at_start", float(Path("/proc/loadavg").read_text().split()[0]), "load", 2)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the servers are stopped
    work = Path(tempfile.mkdtemp(prefix="liaison-bench-irc-"))
    clients = []
    try:
        subprocess.run([str(SERVERS), "start", str(work)], check=True)
        env = dict(l.split("=", 1) for l in (work / "env").read_text().splitlines() if "=" in l)
        ngconf = Path(env["NGIRCD_DIR"]) / "ngircd.conf"
        if not re.search(r"^\s*MaxPenaltyTime\s*=\s*0\s*$", ngconf.read_text(), re.M):
            sys.exit(f"{ngconf} lacks MaxPenaltyTime = 0: ngIRCd would throttle the requesters")

        port = env["NGIRCD_PORT"]
        targets = [floor_target("#bench-floor"), liaison_target("#bench-liaison"),
                   sopel_target("#bench-sopel"), limnoria_target("#bench-limnoria")]
        if args.baseline is not None:
            targets.insert(2, liaison_target("#bench-baseline", nick="liaisonbase", name="baseline"))
        clients = connect(port, "req", args.requesters, [t.channel for t in targets])
        if "compare" in parts:
            compare("ngircd", targets, clients, args, work, port, identity="nick")
        if "pileup" in parts:
            pileup("ngircd", port, args.requests)
        if "members" in parts:
            members("ngircd", port, clients, args.member_asks, args.members)
        for c in clients:
            c.close()

        if not args.no_inspircd:
            port = env["INSPIRCD_PORT"]
            targets = [floor_target("#ibench-floor"), liaison_target("#ibench-liaison"), sopel_target("#ibench-sopel")]
            if args.baseline is not None:
                targets.insert(2, liaison_target("#ibench-baseline", nick="liaisonbase", name="baseline"))
            clients = connect(port, "ireq", args.requesters, [t.channel for t in targets])
            compare("inspircd", targets, clients, argparse.Namespace(**{**vars(args), "no_burst": True}),
                    work, port, identity="account")
            for c in clients:
                c.close()
    finally:
        subprocess.run([str(SERVERS), "stop", str(work)], check=False)
    emit("machine_load_1min_at_end", float(Path("/proc/loadavg").read_text().split()[0]), "load", 2)


if __name__ == "__main__":
    main()
