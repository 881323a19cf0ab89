#!/usr/bin/env python3
"""Figures for Liaison with the console, an IRC network and a Matrix homeserver in one
process against one state file, on loopback (issue 4's quality bar):

  matrix_ack_latency_p50/p99   "!ask TOPIC" in a room -> the bot's reply in the room
  rss_irc_and_matrix           resident memory with IRC and Matrix both connected
  matrix_restart_to_handled    Synapse restarted -> the bot answered a message again
                               (also from the moment Synapse answers again)

Usage: scripts/matrix/measure.py [N]   (N requests, default 100). Prints "name value unit".
"""
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests" / "e2e"))
from conftest import Bot, SERVERS  # noqa: E402
import matrixclient as mx  # noqa: E402
from ircclient import Client as IRCClient  # noqa: E402

SYNAPSE = ROOT / "scripts" / "matrix" / "synapse.sh"


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    work = Path(tempfile.mkdtemp(prefix="liaison-measure-"))
    irc_dir, mx_dir = work / "irc", work / "mx"
    subprocess.run([str(SERVERS), "start", str(irc_dir)], check=True, capture_output=True)
    subprocess.run([str(SYNAPSE), "start", str(mx_dir)], check=True, capture_output=True)
    irc = dict(l.split("=", 1) for l in (irc_dir / "env").read_text().splitlines())
    env = dict(l.split("=", 1) for l in (mx_dir / "env").read_text().splitlines())
    url, secret = env["SYNAPSE_URL"], env["SYNAPSE_SHARED_SECRET"]
    bot = None
    try:
        mx.register(url, secret, "liaison", "pw-liaison")
        mx.register(url, secret, "asker", "pw-asker")
        (work / "pass").write_text("pw-liaison\n")
        conf = f"""[bot]
state = state.db
log_level = warning
[broker]
max_open_requests = 100000
max_requests_per_day = 100000
commands_per_minute = 0
[console]
enabled = yes
[irc.test]
host = 127.0.0.1
port = {irc["INSPIRCD_PORT"]}
tls = no
channels = #measure
flood_interval = 0s
[matrix.mx]
homeserver = {url}
user_id = @liaison:localhost
password_file = {work / "pass"}
invite_from = localhost
"""
        bot = Bot(conf).start()
        asker = mx.login(url, "asker", "pw-asker")
        room = asker.create_room(preset="public_chat", invite=["@liaison:localhost"])
        deadline = time.time() + 30
        while "@liaison:localhost" not in asker.room_members(room):
            if time.time() > deadline:
                raise TimeoutError("the bot did not join")
            time.sleep(0.1)
        irc_user = IRCClient(irc["INSPIRCD_PORT"], "ircasker")
        irc_user.join("#measure")
        irc_user.say("#measure", "!help")
        irc_user.wait_text("liaison", "commands", target="#measure")
        asker.sync()
        asker.clear()
        latencies = []
        for i in range(n):
            start = time.perf_counter()
            asker.send_text(room, f"!ask subject number {i}")
            asker.wait_message("@liaison:localhost", f"Request #{i + 1}:", room_id=room, timeout=30)
            latencies.append((time.perf_counter() - start) * 1000)
        latencies.sort()
        print(f"matrix_ack_latency_p50 {statistics.median(latencies):.2f} ms")
        print(f"matrix_ack_latency_p99 {latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]:.2f} ms")
        time.sleep(2)
        rss = next(l for l in Path(f"/proc/{bot.proc.pid}/status").read_text().splitlines() if l.startswith("VmRSS"))
        print(f"rss_irc_and_matrix {int(rss.split()[1]) / 1024:.1f} MB")
        start = time.time()
        subprocess.run([str(SYNAPSE), "restart", str(mx_dir)], check=True, capture_output=True)
        up = time.time()
        while True:
            try:
                asker.send_text(room, "!help")
                break
            except Exception:
                time.sleep(0.1)
        asker.wait_message("@liaison:localhost", "Commands", room_id=room, timeout=120)
        done = time.time()
        print(f"matrix_restart_to_handled {done - start:.2f} s")
        print(f"matrix_up_to_handled {done - up:.2f} s")
    finally:
        if bot:
            bot.stop()
        subprocess.run([str(SYNAPSE), "stop", str(mx_dir)], check=False, capture_output=True)
        subprocess.run([str(SERVERS), "stop", str(irc_dir)], check=False, capture_output=True)


if __name__ == "__main__":
    main()
