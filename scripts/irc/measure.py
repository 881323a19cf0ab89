#!/usr/bin/env python3
"""Figures for Liaison on IRC, on loopback against the test servers (scripts/irc/servers.sh):

  irc_ack_latency_p50/p99   channel request ("!ask TOPIC") -> the bot's reply in the channel
  irc_idle_rss              resident memory of the bot idle in one channel
  irc_restart_to_rejoined   InspIRCd restarted -> the bot back in its channel

Usage: scripts/irc/measure.py [N]   (N requests, default 200). Prints "name value unit" lines.
Pacing is off (flood_interval = 0s) so the figure is the bot's own latency, not the flood control's.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests" / "e2e"))
from conftest import Bot, bot_conf, SERVERS  # noqa: E402
from ircclient import Client  # noqa: E402


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    work = Path(tempfile.mkdtemp(prefix="liaison-measure-"))
    subprocess.run([str(SERVERS), "start", str(work)], check=True)
    env = dict(l.split("=", 1) for l in (work / "env").read_text().splitlines())
    port = env["INSPIRCD_PORT"]
    bot = None
    try:
        channel = "#measure"
        bot = Bot(bot_conf(port, channel, extra="nick = liaison\n",
                           broker="max_open_requests = 100000\nmax_requests_per_day = 100000\ncommands_per_minute = 0")).start()
        bot.wait_log(f"joined {channel}")
        asker = Client(port, "asker")
        asker.join(channel)
        latencies = []
        for i in range(n):
            start = time.perf_counter()
            asker.say(channel, f"!ask subject number {i}")
            asker.wait_text("liaison", f"request #{i + 1}:", target=channel)
            latencies.append((time.perf_counter() - start) * 1000)
        latencies.sort()
        print(f"irc_ack_latency_p50 {statistics.median(latencies):.2f} ms")
        print(f"irc_ack_latency_p99 {latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]:.2f} ms")
        asker.close()
        time.sleep(2)
        rss = next(l for l in Path(f"/proc/{bot.proc.pid}/status").read_text().splitlines() if l.startswith("VmRSS"))
        print(f"irc_idle_rss {int(rss.split()[1]) / 1024:.1f} MB")
        offset = len(bot.log_text())
        start = time.time()
        subprocess.run([str(SERVERS), "restart-inspircd", str(work)], check=True, stderr=subprocess.DEVNULL)
        bot.wait_log(f"joined {channel}", timeout=60, after=offset)
        print(f"irc_restart_to_rejoined {time.time() - start:.2f} s")
    finally:
        if bot:
            bot.stop()
        subprocess.run([str(SERVERS), "stop", str(work)], check=False, stderr=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
