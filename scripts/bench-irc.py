#!/usr/bin/env python3
"""End-to-end IRC latency of Liaison beside a peer bot (Sopel), on loopback (issue 5, item 6).

Starts the test servers (scripts/irc/servers.sh) in a temp folder, then, on the same InspIRCd:
  - Liaison (pacing off, raised broker limits): N requesters take turns sending
    "!ask subject number K"; latency = send -> the bot's "Request #..." in the channel;
  - Sopel (PyPI, installed into this venv if missing; flood control and anti-loop off):
    the same requesters send ".ping K"; latency = send -> "pong K" in the channel.
One request at a time; each waits for its answer. Prints "name value unit" lines.
The test clients use TCP_NODELAY and TCP_QUICKACK: InspIRCd leaves Nagle on, so a client that
delays its ACKs would hold the bot's reply ~40 ms (the bots' own sockets are left as they are).

Usage: .venv/bin/python scripts/bench-irc.py [--requests N] [--requesters R] [--binary PATH]
The binary defaults to $LIAISON_BIN, else .build/debug/liaison.
"""
import argparse
import concurrent.futures
import importlib.metadata
import math
import os
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
import conftest  # noqa: E402
from conftest import Bot, bot_conf, SERVERS  # noqa: E402
from ircclient import Client, parse  # noqa: E402

CHANNEL = "#bench"
SOPEL_FLOOD = {  # Sopel 8 [core] keys (sopel/irc/__init__.py, say()): never pace, never rewrite
    "flood_burst_lines": 1000000,   # the burst bucket never empties, so no wait is computed
    "flood_refill_rate": 1000000,
    "flood_empty_wait": 0,
    "flood_max_wait": 0,            # documented: 0 disables flood protection
    "flood_penalty_ratio": 0,       # no extra wait for long lines
    "antiloop_threshold": 0,        # no "..." substitution of repeated replies
}
PLUGIN = '''from sopel import plugin

@plugin.command("ping")
def ping(bot, trigger):
    bot.say("pong " + (trigger.group(2) or ""))
'''


TCP_QUICKACK = getattr(socket, "TCP_QUICKACK", 12)  # Linux


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


def round_trips(clients, n, bot_nick, request, answered):
    """n requests, round-robin over clients; ms from send to the bot's channel line for which
    answered(k, text) holds."""
    latencies = []
    for k in range(n):
        c = clients[k % len(clients)]
        drain(c)
        start = time.perf_counter()
        c.say(CHANNEL, request(k))
        c.wait(lambda t, s, cmd, p: cmd == "PRIVMSG" and s and s.split("!")[0].lower() == bot_nick.lower()
               and p[0].lower() == CHANNEL and answered(k, p[-1]))
        latencies.append((time.perf_counter() - start) * 1000)
    return latencies


def percentiles(latencies):
    xs = sorted(latencies)
    return statistics.median(xs), xs[max(0, math.ceil(0.99 * len(xs)) - 1)]


def wait_joined(client, nick, proc, timeout=60):
    """Waits until `nick` joins CHANNEL (as seen by a client already in it)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{nick} exited with {proc.returncode}")
        try:
            client.wait(lambda t, s, c, p: c == "JOIN" and s and s.split("!")[0].lower() == nick.lower()
                        and p[0].lower() == CHANNEL, timeout=1)
            return
        except TimeoutError:
            pass
    raise TimeoutError(f"{nick} did not join {CHANNEL} within {timeout}s")


def connect(port, prefix, count):
    """count clients joined to CHANNEL (in parallel: InspIRCd registers clients once a second)."""
    def one(i):
        c = QuickAckClient(int(port), f"{prefix}{i}")
        c.join(CHANNEL)
        return c
    with concurrent.futures.ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


def ensure_sopel():
    sopel = Path(sys.executable).parent / "sopel"
    if not sopel.exists():
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "sopel"], check=True)
    return sopel, importlib.metadata.version("sopel")


def bench_liaison(port, requesters, n):
    broker = ("max_open_requests = 1000000\nmax_requests_per_day = 1000000\n"
              "channel_replies_per_minute = 1000000\ncommands_per_minute = 0")
    clients = connect(port, "lreq", requesters)
    bot = Bot(bot_conf(port, CHANNEL, extra="nick = liaison\n", network="bench", broker=broker)).start()
    try:
        wait_joined(clients[0], "liaison", bot.proc)
        return round_trips(clients, n, "liaison", lambda k: f"!ask subject number {k}",
                           lambda k, text: f"request #{k + 1}:" in text.lower())  # ids from 1 in a fresh state
    finally:
        code = bot.stop()
        print(f"liaison log: {bot.log_path} (exit {code})", file=sys.stderr)
        for c in clients:
            c.close()


def bench_sopel(port, requesters, n, work, sopel):
    home = work / "sopel"
    (home / "plugins").mkdir(parents=True)
    (home / "plugins" / "benchping.py").write_text(PLUGIN)
    flood = "".join(f"{k} = {v}\n" for k, v in SOPEL_FLOOD.items())
    (home / "bench.cfg").write_text(
        f"[core]\nnick = sopelbench\nuser = sopelbench\nhost = 127.0.0.1\nport = {port}\n"
        f"use_ssl = false\nowner = benchowner\nchannels = {CHANNEL}\n"
        f"enable = benchping\nhomedir = {home}\nlogdir = {home}/logs\npid_dir = {home}\n{flood}")
    clients = connect(port, "sreq", requesters)
    log = open(home / "sopel.out", "w")
    cmd = [str(sopel), "start", "-c", str(home / "bench.cfg")]  # foreground (no -d), no wizard
    if os.geteuid() == 0:  # Sopel refuses root; skip only that check (this venv's python is under /root)
        cmd[:1] = [sys.executable, "-c", "import sys, sopel.cli.run as r; r.check_not_root = lambda: None; "
                   "sys.exit(r.main(sys.argv[1:]))"]
    proc = subprocess.Popen(cmd, cwd=home, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    try:
        wait_joined(clients[0], "sopelbench", proc)
        return round_trips(clients, n, "sopelbench", lambda k: f".ping {k}", lambda k, text: text == f"pong {k}")
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        print(f"sopel log: {home / 'sopel.out'}", file=sys.stderr)
        for c in clients:
            c.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--requesters", type=int, default=20)
    ap.add_argument("--binary", default=os.environ.get("LIAISON_BIN", str(ROOT / ".build" / "debug" / "liaison")))
    args = ap.parse_args()
    conftest.BINARY = binary = Path(args.binary).absolute()  # what conftest.Bot starts
    if not binary.is_file():
        sys.exit(f"no liaison binary at {binary} (--binary PATH or LIAISON_BIN)")
    sopel, version = ensure_sopel()
    print(f"liaison {binary}; sopel {version}; {args.requests} requests over {args.requesters} requesters",
          file=sys.stderr)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the servers are stopped
    work = Path(tempfile.mkdtemp(prefix="liaison-bench-irc-"))
    try:
        subprocess.run([str(SERVERS), "start", str(work)], check=True)
        env = dict(l.split("=", 1) for l in (work / "env").read_text().splitlines() if "=" in l)
        port = env["INSPIRCD_PORT"]
        lp50, lp99 = percentiles(bench_liaison(port, args.requesters, args.requests))
        sp50, sp99 = percentiles(bench_sopel(port, args.requesters, args.requests, work, sopel))
    finally:
        subprocess.run([str(SERVERS), "stop", str(work)], check=False)
    print(f"irc_liaison_ack_p50 {lp50:.3f} ms")
    print(f"irc_liaison_ack_p99 {lp99:.3f} ms")
    print(f"irc_sopel_ack_p50 {sp50:.3f} ms")
    print(f"irc_sopel_ack_p99 {sp99:.3f} ms")
    print(f"irc_ack_p50_ratio_liaison_over_sopel {lp50 / sp50:.2f} x")
    print(f"irc_ack_p99_ratio_liaison_over_sopel {lp99 / sp99:.2f} x")


if __name__ == "__main__":
    main()
