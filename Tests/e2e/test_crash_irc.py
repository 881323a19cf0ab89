"""Issue 6, item 1 on IRC: 30 kill -9 at seeded random moments while requests, offers and
acceptances flow through a real InspIRCd. After each kill: the state file passes
integrity_check; at the end every request the bot acknowledged is stored, and every
introduction the bot confirmed to the expert reaches the requester at least once and at
most twice (IRC has no transaction IDs: a line written just before a kill may go again).
The seed is printed; LIAISON_CRASH_SEED=N replays a run."""
import concurrent.futures
import os
import random
import re
import signal
import sqlite3
import time

from conftest import bot_conf, unique
from ircclient import Client, opted_in_member


def pump(clients, seconds):
    """Reads whatever arrives on every client for `seconds`."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        for c in clients:
            c._read(min(deadline, time.time() + 0.02))


def test_thirty_kills_on_irc_lose_nothing_confirmed(servers, make_bot):
    seed = int(os.environ.get("LIAISON_CRASH_SEED") or random.randrange(1, 1_000_000))
    print(f"crash durability (IRC): seed {seed} (replay with LIAISON_CRASH_SEED={seed})")
    rng = random.Random(seed)
    port = servers["INSPIRCD_PORT"]
    channel = "#" + unique("crash")
    nick = unique("lbot")
    broker = ("max_open_requests = 100000\nmax_requests_per_day = 100000\nmax_offers_per_week = 100000\n"
              "commands_per_minute = 0\noffers_per_request = 1")
    bot = make_bot(bot_conf(port, channel, extra=f"nick = {nick}\n", broker=broker)).start()
    bot.wait_log(f"joined {channel}")
    expert = opted_in_member(port, nick, unique("ex"), "glassblowing")
    # Three new requesters a round (a requester is introduced to an expert once), connected
    # up front and in parallel: the server takes a second to register each.
    with concurrent.futures.ThreadPoolExecutor(max_workers=30) as pool:
        waiting = list(pool.map(lambda _: Client(port, unique("rq")), range(90)))
    requesters = []         # every requester stays connected, to receive what comes late
    accepted = set()        # offers the expert answered
    kills = 0

    def confirmed():
        return {int(n) for _, _, text in expert.messages for n in re.findall(r"^Introduction #(\d+)", text)}

    def answer_offers():
        for _, _, text in expert.messages:
            for n in re.findall(r"accept (\d+)", text):
                if n not in accepted:
                    accepted.add(n)
                    expert.say(nick, f"accept {n}")

    for round_ in range(30):
        if round_ > 0:
            offset = len(bot.log_text())
            bot.start()
            bot.wait_log("registered as", after=offset)
            # An answer the last kill swallowed is given again.
            for n in sorted(accepted - {str(c) for c in confirmed()}):
                expert.say(nick, f"accept {n}")
        fresh = waiting[3 * round_:3 * round_ + 3]
        requesters += fresh
        kill_at = time.time() + rng.uniform(0.2, 1.2)
        for r in fresh:
            r.say(nick, f"ask glassblowing")
        while time.time() < kill_at:
            pump([expert] + fresh, 0.05)
            answer_offers()
        bot.proc.send_signal(signal.SIGKILL)
        bot.proc.wait()
        kills += 1
        check = sqlite3.connect(str(bot.dir / "state.db")).execute("PRAGMA integrity_check").fetchall()
        assert check == [("ok",)], f"round {round_}: {check} (seed {seed})"
    # One more start delivers what the last kill left in the outbox.
    offset = len(bot.log_text())
    bot.start()
    bot.wait_log("registered as", after=offset)
    for n in sorted(accepted - {str(c) for c in confirmed()}):
        expert.say(nick, f"accept {n}")
    pump([expert] + requesters, 4)
    assert bot.stop() == 0
    confirmed = confirmed()
    acknowledged = {int(n) for r in requesters for _, _, text in r.messages for n in re.findall(r"^Request #(\d+)", text)}
    stored = {row[0] for row in sqlite3.connect(str(bot.dir / "state.db")).execute("SELECT id FROM request")}
    assert acknowledged <= stored, f"acknowledged but lost: {sorted(acknowledged - stored)[:10]} (seed {seed})"
    for n in confirmed:
        got = sum(1 for r in requesters for _, _, text in r.messages if text.startswith(f"Introduction #{n} "))
        assert 1 <= got <= 2, f"introduction #{n} reached its requester {got} times (seed {seed})"
    print(f"crash durability (IRC): {kills} kills, {len(acknowledged)} acknowledged requests, "
          f"{len(confirmed)} confirmed introductions, all kept")
    assert len(confirmed) >= 20 and len(acknowledged) >= 30
