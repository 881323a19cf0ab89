"""Liaison on a real Synapse (issue 4), driven through the client-server API as users would."""
import os
import random
import signal
import re
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from conftest import Bot, ROOT, base_conf, unique
import matrixclient as mx

SYNAPSE = ROOT / "scripts" / "matrix" / "synapse.sh"


def start_synapse(low_limits=False):
    work = Path(tempfile.mkdtemp(prefix="liaison-synapse-"))
    args = [str(SYNAPSE), "start", str(work)] + (["--low-rate-limits"] if low_limits else [])
    subprocess.run(args, check=True, capture_output=True)
    env = dict(l.split("=", 1) for l in (work / "env").read_text().splitlines() if "=" in l)
    env["DIR"] = str(work)
    return env


@pytest.fixture(scope="module")
def synapse():
    env = start_synapse()
    yield env
    subprocess.run([str(SYNAPSE), "stop", env["DIR"]], check=False, capture_output=True)


def user(env, name):
    """Registers a user and returns a logged-in client whose first sync is done."""
    mx.register(env["SYNAPSE_URL"], env["SYNAPSE_SHARED_SECRET"], name, "pw-" + name)
    c = mx.login(env["SYNAPSE_URL"], name, "pw-" + name)
    c.sync()
    c.clear()
    return c


def matrix_conf(env, bot_user, rooms="", admins="", broker="", invite_from="localhost"):
    pw = Path(tempfile.mkdtemp(prefix="liaison-pw-")) / "pass"
    pw.write_text("pw-" + bot_user + "\n")
    return base_conf(admins, broker) + f"""
[matrix.mx]
homeserver = {env["SYNAPSE_URL"]}
user_id = @{bot_user}:localhost
password_file = {pw}
rooms = {rooms}
invite_from = {invite_from}
"""


def start_bot(env, make_bot, rooms="", admins="", broker="", invite_from="localhost"):
    name = unique("lbot")
    mx.register(env["SYNAPSE_URL"], env["SYNAPSE_SHARED_SECRET"], name, "pw-" + name)
    bot = make_bot(matrix_conf(env, name, rooms=rooms, admins=admins, broker=broker, invite_from=invite_from)).start()
    bot.wait_log("first sync")
    return bot, f"@{name}:localhost"


def dm(client, bot_id):
    """A direct room with the bot, as a person's client creates it."""
    room = client.create_room(invite=[bot_id], is_direct=True)
    deadline = time.time() + 20
    while bot_id not in client.room_members(room):
        if time.time() > deadline:
            raise TimeoutError("the bot did not join the DM")
        time.sleep(0.2)
    return room


def say(client, room, text):
    return client.send_text(room, text)


def rid(text):
    return int(re.search(r"#(\d+)", text).group(1))


def member(env, bot_id, name, topics):
    c = user(env, name)
    room = dm(c, bot_id)
    say(c, room, "optin")
    c.wait_message(bot_id, "in", room_id=room)
    say(c, room, f"expertise add {topics}")
    c.wait_message(bot_id, "Added", room_id=room)
    return c, room


def test_the_whole_story_in_a_room_with_dms_and_an_introduction_room(synapse, make_bot):
    admin = user(synapse, unique("boss"))
    room = admin.create_room(name="Networking", preset="public_chat", alias=unique("net"))
    bot, bot_id = start_bot(synapse, make_bot, admins=f"mx:{admin.user_id}")
    admin.invite(room, bot_id)
    bot.wait_log(f"joined {room}")
    alice, alice_dm = member(synapse, bot_id, unique("alice"), "reverse mortgages")
    carol, carol_dm = member(synapse, bot_id, unique("carol"), "reverse mortgages")
    bob = user(synapse, unique("bob"))
    bob_dm = dm(bob, bot_id)
    bob.join(room)
    bob.send_text(room, "who knows about reverse mortgages?")
    _, reply = bob.wait_message(bot_id, "2 members", room_id=room)
    n = rid(reply)
    _, offer = alice.wait_message(bot_id, f"accept {n}")
    assert "reverse mortgages" in offer
    carol.wait_message(bot_id, f"accept {n}")
    say(carol, carol_dm, f"decline {n}")
    carol.wait_message(bot_id, "Declined", room_id=carol_dm)
    say(alice, alice_dm, f"accept {n}")
    # An introduction room with both, made by the bot, marked with the introduction.
    intro_room = alice.wait_invite()
    assert bob.wait_invite() == intro_room
    alice.join(intro_room)
    bob.join(intro_room)
    members = set(alice.room_members(intro_room))
    assert {alice.user_id, bob.user_id, bot_id} <= members
    assert alice.state_event(intro_room, "org.liaison.introduction") is not None
    _, text = bob.wait_message(bot_id, f"Introduction #{n}", room_id=intro_room)
    assert alice.user_id in text and bob.user_id in text
    html = bob.last_event["content"].get("formatted_body", "")
    assert f'href="https://matrix.to/#/{alice.user_id}"' in html, "mention pills for people"
    bob.wait_message(bot_id, "new room", room_id=bob_dm)  # the note in bob's DM
    assert carol.user_id not in text
    say(bob, bob_dm, f"thanks {n}")
    alice.wait_message(bot_id, "thanks you")
    say(admin, dm(admin, bot_id), "admin stats")
    admin.wait_message(bot_id, "Introductions: 1")


def test_first_sync_handles_no_history_and_edits_make_no_second_request(synapse, make_bot):
    bob = user(synapse, unique("bob"))
    room = bob.create_room(preset="public_chat")
    old = user(synapse, unique("old"))
    old.join(room)
    old.send_text(room, "!help")  # before the bot exists: history, never answered
    bot, bot_id = start_bot(synapse, make_bot)
    bob.invite(room, bot_id)
    bot.wait_log(f"joined {room}")
    alice, _ = member(synapse, bot_id, unique("alice"), "sailing")
    event = bob.send_text(room, "!ask sailing")
    bob.wait_message(bot_id, "Request #", room_id=room)
    bob.edit(room, event, "!ask sailing boats")
    alice.wait_message(bot_id, "accept")
    time.sleep(2)
    bob.sync()
    texts = [e.get("content", {}).get("body", "") for r, e in bob.pending() if e.get("sender") == bot_id and r == room]
    assert not any("Request #" in t for t in texts), f"an edit made a second request: {texts}"
    old.sync()
    assert not [e for r, e in old.pending() if e.get("sender") == bot_id and "Commands" in e.get("content", {}).get("body", "")]


def test_a_redacted_request_is_cancelled(synapse, make_bot):
    bot, bot_id = start_bot(synapse, make_bot)
    alice, _ = member(synapse, bot_id, unique("alice"), "bonsai")
    bob = user(synapse, unique("bob"))
    room = dm(bob, bot_id)
    event = bob.send_text(room, "ask bonsai")
    bob.wait_message(bot_id, "Request #", room_id=room)
    alice.wait_message(bot_id, "accept")
    bob.redact(room, event)
    alice.wait_message(bot_id, "withdrawn")


def test_a_bot_restart_mid_flow_neither_replays_nor_misses(synapse, make_bot):
    bot, bot_id = start_bot(synapse, make_bot)
    alice, alice_dm = member(synapse, bot_id, unique("alice"), "woodworking")
    bob = user(synapse, unique("bob"))
    bob_dm = dm(bob, bot_id)
    say(bob, bob_dm, "ask woodworking")
    _, reply = bob.wait_message(bot_id, "Request #", room_id=bob_dm)
    n = rid(reply)
    alice.wait_message(bot_id, f"accept {n}")
    assert bot.stop() == 0
    say(alice, alice_dm, f"accept {n}")  # while the bot is down
    offset = len(bot.log_text())
    bot.start()
    bot.wait_log("resumed as", after=offset)
    bob.wait_message(bot_id, f"meet", room_id=bob_dm, timeout=30)
    # Once more: a second restart replays nothing.
    bot.stop()
    offset = len(bot.log_text())
    bot.start()
    bot.wait_log("resumed as", after=offset)
    time.sleep(3)
    bob.sync()
    again = [e for r, e in bob.pending() if e.get("sender") == bot_id and "meet" in e.get("content", {}).get("body", "")]
    assert not again, "no duplicate after a restart"
    alice.sync()
    confirmations = [e for r, e in alice.pending() if r == alice_dm and e.get("sender") == bot_id]
    assert len([e for e in confirmations if "new room" in e.get("content", {}).get("body", "")]) <= 1


def test_an_encrypted_room_gets_one_notice(synapse, make_bot):
    bot, bot_id = start_bot(synapse, make_bot)
    bob = user(synapse, unique("bob"))
    room = bob.create_room(preset="private_chat", invite=[bot_id])
    bot.wait_log(f"joined {room}")
    bob.set_state(room, "m.room.encryption", {"algorithm": "m.megolm.v1.aes-sha2"})
    for _ in range(2):
        bob.send_event(room, "m.room.encrypted", {"algorithm": "m.megolm.v1.aes-sha2", "ciphertext": "xx",
                                                  "sender_key": "k", "device_id": "D", "session_id": "s"})
    bob.wait_message(bot_id, "encrypted", room_id=room)
    time.sleep(2)
    bob.sync()
    assert not [e for r, e in bob.pending() if e.get("sender") == bot_id and "encrypted" in e.get("content", {}).get("body", "")]


def test_an_encrypted_dm_is_met_in_an_unencrypted_one_where_the_person_can_go_on(synapse, make_bot):
    """Element makes every new DM encrypted. The person who opens one to opt in is invited
    to an unencrypted DM with one line that says why, and what they type there is handled."""
    bot, bot_id = start_bot(synapse, make_bot)
    bob = user(synapse, unique("bob"))
    room = bob.create_room(invite=[bot_id], is_direct=True, preset="trusted_private_chat",
                           extra={"initial_state": [{"type": "m.room.encryption", "state_key": "",
                                                     "content": {"algorithm": "m.megolm.v1.aes-sha2"}}]})
    deadline = time.time() + 20
    while bot_id not in bob.room_members(room) and time.time() < deadline:
        time.sleep(0.2)
    bob.send_event(room, "m.room.encrypted", {"algorithm": "m.megolm.v1.aes-sha2", "ciphertext": "optin?",
                                              "sender_key": "k", "device_id": "D", "session_id": "s"})
    plain = bob.wait_invite(timeout=30)
    assert plain != room
    bob.join(plain)
    _, body = bob.wait_message(bot_id, "encrypted", room_id=plain, timeout=30)
    assert "help" in body, body
    say(bob, plain, "optin")
    bob.wait_message(bot_id, "in", room_id=plain)
    assert "m.room.encryption" not in [e["type"] for e in bob.room_state(plain)], "the new chat is not encrypted"
    # A second encrypted line does not repeat the invitation or the line.
    bob.send_event(room, "m.room.encrypted", {"algorithm": "m.megolm.v1.aes-sha2", "ciphertext": "again",
                                              "sender_key": "k", "device_id": "D", "session_id": "s2"})
    time.sleep(2)
    bob.sync()
    assert not [e for r, e in bob.pending() if e.get("sender") == bot_id and "encrypted" in e.get("content", {}).get("body", "")]


def test_homeserver_restart_mid_flow(synapse, make_bot):
    bot, bot_id = start_bot(synapse, make_bot)
    alice, alice_dm = member(synapse, bot_id, unique("alice"), "falconry")
    subprocess.run([str(SYNAPSE), "restart", synapse["DIR"]], check=True, capture_output=True)
    start = time.time()
    alice = mx.login(synapse["SYNAPSE_URL"], alice.user_id.split(":")[0][1:], "pw-" + alice.user_id.split(":")[0][1:])
    alice.sync()
    alice.clear()
    say(alice, alice_dm, "expertise")
    alice.wait_message(bot_id, "falconry", room_id=alice_dm, timeout=60)
    print(f"\nmatrix_restart_to_handled {time.time() - start:.2f} s")


def test_rate_limits_are_honoured_and_nothing_is_sent_twice(make_bot):
    env = start_synapse(low_limits=True)
    try:
        bot, bot_id = start_bot(env, make_bot)
        people = [user(env, unique("p")) for _ in range(5)]
        rooms = [dm(p, bot_id) for p in people]
        # Five people at once: more replies than the homeserver lets the bot send at once.
        for p, room in zip(people, rooms):
            say(p, room, "help")
        for p, room in zip(people, rooms):
            p.wait_message(bot_id, "Commands", room_id=room, timeout=60)
        time.sleep(3)
        for p in people:
            p.sync()
            extra = [e for r, e in p.pending() if e.get("sender") == bot_id and "Commands" in e.get("content", {}).get("body", "")]
            assert not extra, "exactly one reply per command"
        assert "rate limited" in bot.log_text()
    finally:
        subprocess.run([str(SYNAPSE), "stop", env["DIR"]], check=False, capture_output=True)


def test_the_bot_opens_a_direct_room_for_someone_it_never_talked_to(synapse, make_bot):
    admin = user(synapse, unique("boss"))
    room = admin.create_room(preset="public_chat")
    bot, bot_id = start_bot(synapse, make_bot)
    admin.invite(room, bot_id)
    bot.wait_log(f"joined {room}")
    alice, alice_dm = member(synapse, bot_id, unique("alice"), "harp")
    bob = user(synapse, unique("bob"))
    bob.join(room)
    bob.send_text(room, "!ask harp")
    n = rid(bob.wait_message(bot_id, "1 member", room_id=room)[1])
    say(alice, alice_dm, f"accept {n}")
    # Two invitations for bob: the introduction room and a direct room, marked as one.
    invites = {}
    for _ in range(2):
        rid_ = bob.wait_invite()
        invites[rid_] = bob.last_invite_state
    direct = [r for r, state in invites.items()
              if any(e.get("type") == "m.room.member" and e.get("content", {}).get("is_direct") for e in state)]
    assert len(direct) == 1, "exactly one invitation is a DM"
    bob.join(direct[0])
    deadline = time.time() + 20
    while True:
        msgs = [e.get("content", {}).get("body", "") for e in bob.messages(direct[0], limit=10)]
        if any("meet" in m for m in msgs) or time.time() > deadline:
            break
        time.sleep(0.2)
    assert any("meet" in m for m in msgs), msgs


def test_a_kicked_bot_does_not_rejoin_a_configured_room_after_a_restart(synapse, make_bot):
    admin = user(synapse, unique("boss"))
    alias = unique("kick")
    room = admin.create_room(preset="public_chat", alias=alias)
    bot, bot_id = start_bot(synapse, make_bot, rooms=f"#{alias}:localhost")
    bot.wait_log(f"joined #{alias}:localhost")
    admin.kick(room, bot_id, "out")
    bot.wait_log("removed from")
    bot.stop()
    offset = len(bot.log_text())
    bot.start()
    bot.wait_log("resumed as", after=offset)
    time.sleep(3)
    assert f"joined #{alias}:localhost" not in bot.log_text()[offset:]
    assert bot_id not in admin.room_members(room)


def test_invites_only_from_allowed_servers_or_admins_and_display_names_prove_nothing(synapse, make_bot):
    """Issue 6, item 6: the invite allowlist, and impersonation by display name."""
    admin_name = unique("boss")
    admin = user(synapse, admin_name)
    admin.set_display_name("Boss")
    bot, bot_id = start_bot(synapse, make_bot, admins=f"mx:@{admin_name}:localhost", invite_from="example.org")
    bob = user(synapse, unique("bob"))
    bob.create_room(invite=[bot_id], is_direct=True)
    bot.wait_log("declined an invitation")
    assert bob.user_id in bot.log_text()
    admin_dm = dm(admin, bot_id)
    say(admin, admin_dm, "admin stats")
    admin.wait_message(bot_id, "Members:", room_id=admin_dm)
    # Eve takes the admin's display name and speaks where the bot listens.
    eve = user(synapse, unique("eve"))
    eve.set_display_name("Boss")
    shared = admin.create_room(preset="public_chat")
    admin.invite(shared, bot_id)
    bot.wait_log(f"joined {shared}")
    eve.join(shared)
    eve.send_text(shared, "!admin stats")
    private = eve.wait_invite()
    eve.join(private)
    eve.wait_message(bot_id, "only for Liaison's admins", room_id=private)
    assert "refused admin command" in bot.log_text()



def test_kill_nine_mid_flow_delivers_each_introduction_exactly_once(synapse, make_bot):
    """Issue 6, item 1 on Matrix: kill -9 at seeded random moments of request / offer /
    acceptance flows; after the last restart every introduction the expert was told about
    reached its requester exactly once (the transaction ID of a retried send is the same)."""
    seed = int(os.environ.get("LIAISON_CRASH_SEED") or random.randrange(1, 1_000_000))
    print(f"crash durability (Matrix): seed {seed} (replay with LIAISON_CRASH_SEED={seed})")
    rng = random.Random(seed)
    bot, bot_id = start_bot(synapse, make_bot, broker="max_offers_per_week = 1000\nmax_requests_per_day = 1000\n"
                                                      "commands_per_minute = 0\noffers_per_request = 1")
    expert, expert_dm = member(synapse, bot_id, unique("ex"), "glassblowing")
    requesters = []
    accepted = set()

    def bot_bodies(client, room):
        return [e.get("content", {}).get("body", "") for e in client.messages(room, limit=500) if e.get("sender") == bot_id]

    def confirmed():
        return {n for b in bot_bodies(expert, expert_dm) for n in re.findall(r"^Introduction #(\d+):", b)}

    kills = 0
    for round_ in range(10):
        if round_ > 0:
            offset = len(bot.log_text())
            bot.start()
            bot.wait_log("resumed as", after=offset)
            for n in sorted(accepted - confirmed()):
                say(expert, expert_dm, f"accept {n}")
        r = user(synapse, unique("rq"))
        room = dm(r, bot_id)
        requesters.append((r, room))
        say(r, room, "ask glassblowing")
        kill_at = time.time() + rng.uniform(0.5, 3.0)
        while time.time() < kill_at:
            expert.sync(timeout_ms=200)
            for _, ev in expert.pending():
                for n in re.findall(r"accept (\d+)", ev.get("content", {}).get("body", "")):
                    if n not in accepted:
                        accepted.add(n)
                        say(expert, expert_dm, f"accept {n}")
            expert.clear()
        bot.proc.send_signal(signal.SIGKILL)
        bot.proc.wait()
        kills += 1
    offset = len(bot.log_text())
    bot.start()
    bot.wait_log("resumed as", after=offset)
    for n in sorted(accepted - confirmed()):
        say(expert, expert_dm, f"accept {n}")
    time.sleep(8)
    assert bot.stop() == 0
    told = confirmed()
    for n in told:
        got = sum(1 for r, room in requesters for b in bot_bodies(r, room) if b.startswith(f"Introduction #{n}:"))
        assert got == 1, f"introduction #{n} reached its requester {got} times (seed {seed})"
    print(f"crash durability (Matrix): {kills} kills, {len(told)} introductions, each delivered exactly once")
    assert len(told) >= 5


# -- issue 11: promises that hold at every seam ------------------------------------------------

def bot_bodies(client, room, bot_id, limit=100):
    return [e.get("content", {}).get("body", "") for e in client.messages(room, limit=limit)
            if e.get("sender") == bot_id and e.get("type") == "m.room.message"]


def test_an_introduction_goes_only_to_a_room_the_bot_made_for_the_two(synapse, make_bot):
    """A state event that looks like the bot's introduction marker, planted by someone else
    (any outbox id, any state key), never makes the bot post an introduction into their room;
    the room the bot makes gives nobody else the power to take it over."""
    bot, bot_id = start_bot(synapse, make_bot)
    mallory = user(synapse, unique("mal"))
    trap = mallory.create_room(preset="private_chat")
    mallory.set_state(trap, "org.liaison.introduction", {"outbox": 1})
    for n in range(1, 150):
        mallory.set_state(trap, "org.liaison.introduction", {"outbox": n}, state_key=str(n))
    mallory.invite(trap, bot_id)
    bot.wait_log(f"joined {trap}")
    alice, alice_dm = member(synapse, bot_id, unique("alice"), "lacemaking")
    bob = user(synapse, unique("bob"))
    bob_dm = dm(bob, bot_id)
    say(bob, bob_dm, "ask lacemaking")
    n = rid(bob.wait_message(bot_id, "Request #", room_id=bob_dm)[1])
    alice.wait_message(bot_id, f"accept {n}")
    say(alice, alice_dm, f"accept {n}")
    intro = bob.wait_invite()
    assert intro != trap
    bob.join(intro)
    bob.wait_message(bot_id, f"Introduction #{n}", room_id=intro)
    assert not [b for b in bot_bodies(mallory, trap, bot_id) if "Introduction" in b], "nothing posted in the trap"
    levels = bob.state_event(intro, "m.room.power_levels")
    assert set(levels.get("users", {})) <= {bot_id}, levels
    assert levels["users_default"] == 0 and levels["state_default"] == 100 and levels["invite"] == 100
    with pytest.raises(mx.MatrixError):
        bob.set_state(intro, "org.liaison.introduction", {"outbox": n + 1})
    with pytest.raises(mx.MatrixError):
        bob.invite(intro, mallory.user_id)


def test_a_direct_room_someone_else_was_brought_into_is_private_to_nobody(synapse, make_bot):
    """Mallory invites Bob into her DM with the bot (she has power 100 there). What Bob says
    there does not make it his private channel, and nothing private for either of them is
    posted there any more: it goes to a room of their own with the bot."""
    bot, bot_id = start_bot(synapse, make_bot)
    bob = user(synapse, unique("bob"))
    bob_dm = dm(bob, bot_id)
    say(bob, bob_dm, "help")
    bob.wait_message(bot_id, "Commands", room_id=bob_dm)
    mallory = user(synapse, unique("mal"))
    mal_dm = dm(mallory, bot_id)
    mallory.invite(mal_dm, bob.user_id)
    bob.join(mal_dm)
    deadline = time.time() + 10
    while bob.user_id not in mallory.room_members(mal_dm) and time.time() < deadline:
        time.sleep(0.2)
    time.sleep(1)
    bob.send_text(mal_dm, "!mydata")
    _, data = bob.wait_message(bot_id, None, room_id=bob_dm)
    say(mallory, mal_dm, "expertise")
    mine = mallory.wait_invite()
    mallory.join(mine)
    mallory.wait_message(bot_id, "expertise", room_id=mine)
    levels = mallory.state_event(mine, "m.room.power_levels")
    assert set(levels.get("users", {})) <= {bot_id} and levels["invite"] == 100, "a DM the bot makes is not hers to open up"
    say(bob, bob_dm, "requests")
    bob.wait_message(bot_id, None, room_id=bob_dm)
    time.sleep(2)
    posted = bot_bodies(mallory, mal_dm, bot_id, limit=50)
    assert not posted, f"nothing private in a room of three: {posted[:3]}"


def test_a_room_named_like_another_room_is_not_that_room(synapse, make_bot):
    """A room is known by its ID: a room whose name is another room's alias shares nothing
    with it, so it fakes no common ground and gets past nobody's `asks-from channels`."""
    admin = user(synapse, unique("boss"))
    alias = unique("net")
    real = admin.create_room(preset="public_chat", alias=alias, name="Networking")
    bot, bot_id = start_bot(synapse, make_bot, rooms=f"#{alias}:localhost")
    bot.wait_log(f"joined #{alias}:localhost")
    alice, alice_dm = member(synapse, bot_id, unique("alice"), "harp tuning")
    alice.join(real)
    say(alice, alice_dm, "prefs asks-from channels")
    alice.wait_message(bot_id, None, room_id=alice_dm)
    mallory = user(synapse, unique("mal"))
    fake = mallory.create_room(preset="private_chat", name=f"#{alias}:localhost", invite=[bot_id])
    bot.wait_log(f"joined {fake}")
    mallory.send_text(fake, "!ask harp tuning")
    mallory.wait_message(bot_id, None, room_id=fake)
    time.sleep(3)
    alice.sync()
    offers = [e for r, e in alice.pending() if e.get("sender") == bot_id and "accept" in e.get("content", {}).get("body", "")]
    assert not offers, "the look-alike room is not the real one"
    # The real room still is common ground.
    bob = user(synapse, unique("bob"))
    bob.join(real)
    time.sleep(1)
    bob.send_text(real, "!ask harp tuning")
    _, offer = alice.wait_message(bot_id, "accept")
    assert f"#{alias}:localhost" in offer


def test_only_the_requesters_own_redaction_cancels_the_request(synapse, make_bot):
    admin = user(synapse, unique("boss"))
    room = admin.create_room(preset="public_chat")
    bot, bot_id = start_bot(synapse, make_bot)
    admin.invite(room, bot_id)
    bot.wait_log(f"joined {room}")
    alice, alice_dm = member(synapse, bot_id, unique("alice"), "bonsai pruning")
    bob = user(synapse, unique("bob"))
    bob.join(room)
    event = bob.send_text(room, "!ask bonsai pruning")
    n = rid(bob.wait_message(bot_id, "Request #", room_id=room)[1])
    alice.wait_message(bot_id, f"accept {n}")
    admin.redact(room, event, reason="moderation")  # the room's admin, not the requester
    time.sleep(3)
    alice.sync()
    assert not [e for r, e in alice.pending() if "withdrawn" in e.get("content", {}).get("body", "")]
    say(alice, alice_dm, f"accept {n}")
    alice.wait_message(bot_id, "new room", room_id=alice_dm)


def test_a_reply_longer_than_one_event_arrives_whole_in_parts(synapse, make_bot):
    admin = user(synapse, unique("boss"))
    name = unique("lbot")
    mx.register(synapse["SYNAPSE_URL"], synapse["SYNAPSE_SHARED_SECRET"], name, "pw-" + name)
    conf = matrix_conf(synapse, name, admins=f"mx:{admin.user_id}").replace("[console]\nenabled = no", "[console]\nenabled = yes")
    bot = make_bot(conf).start(console=True)
    bot.wait_log("first sync")
    bot_id = f"@{name}:localhost"
    filler = "celestial navigation and seamanship practice in northern waters"
    for k in range(1, 21):
        bot.send_console(f"m{k}: optin")
        bot.send_console(f"m{k}: expertise add " + ", ".join(f"subject{j} of member{k} {filler}" for j in range(1, 41)))
    admin_dm = dm(admin, bot_id)
    time.sleep(2)
    say(admin, admin_dm, "admin members")
    bodies = []
    deadline = time.time() + 30
    while time.time() < deadline and not all(f"subject40 of member{k} " in "\n".join(bodies) for k in range(1, 21)):
        _, body = admin.wait_message(bot_id, None, room_id=admin_dm, timeout=max(1, deadline - time.time()))
        bodies.append(body)
    text = "\n".join(bodies)
    assert len(text.encode()) > 65536 and len(bodies) > 1
    for k in range(1, 21):
        assert all(f"subject{j} of member{k} {filler}" in text for j in range(1, 41)), f"member {k} complete"


def test_a_slow_invite_holds_up_nobody_else_and_a_retry_makes_no_second_room(synapse, make_bot):
    """One createRoom whose answer never comes in time (an invite to a slow federated server
    is like this) stalls only its own destination, and trying again finds the room it made."""
    proxy = mx.Proxy(synapse["SYNAPSE_URL"])
    try:
        bot, bot_id = start_bot(dict(synapse, SYNAPSE_URL=proxy.url), make_bot)
        admin = user(synapse, unique("boss"))
        room = admin.create_room(preset="public_chat")
        admin.invite(room, bot_id)
        bot.wait_log(f"joined {room}")
        alice = user(synapse, unique("alice"))
        alice_dm = dm(alice, bot_id)
        say(alice, alice_dm, "help")
        alice.wait_message(bot_id, "Commands", room_id=alice_dm)
        slow = user(synapse, unique("slow"))
        slow.join(room)
        proxy.hold("POST", "/createRoom", 45, body_contains=slow.user_id)
        slow.send_text(room, "!mydata")
        deadline = time.time() + 10
        while not proxy.count("POST", "/createRoom", slow.user_id) and time.time() < deadline:
            time.sleep(0.1)
        start = time.time()
        say(alice, alice_dm, "help")
        alice.wait_message(bot_id, "Commands", room_id=alice_dm, timeout=10)
        assert time.time() - start < 5, "another person's reply did not wait on the slow room"
        private = slow.wait_invite(timeout=60)
        slow.join(private)
        slow.wait_message(bot_id, None, room_id=private, timeout=60)
        time.sleep(3)
        slow.sync()
        assert not slow._invites, "one direct room only"
        assert proxy.count("POST", "/createRoom", slow.user_id) == 1
    finally:
        proxy.close()


def test_a_restart_mid_create_keeps_every_direct_room_and_makes_none_twice(synapse, make_bot):
    """kill -9 while a DM is being made, then a restart whose first sync is slow: the bot
    neither forgets its other DMs in m.direct nor makes the new one a second time."""
    proxy = mx.Proxy(synapse["SYNAPSE_URL"])
    try:
        bot, bot_id = start_bot(dict(synapse, SYNAPSE_URL=proxy.url), make_bot)
        as_bot = mx.login(synapse["SYNAPSE_URL"], bot_id.split(":")[0][1:], "pw-" + bot_id.split(":")[0][1:])
        alice = user(synapse, unique("alice"))
        alice_dm = dm(alice, bot_id)
        say(alice, alice_dm, "help")
        alice.wait_message(bot_id, "Commands", room_id=alice_dm)
        assert alice_dm in (as_bot.account_data("m.direct") or {}).get(alice.user_id, [])
        admin = user(synapse, unique("boss"))
        room = admin.create_room(preset="public_chat")
        admin.invite(room, bot_id)
        bot.wait_log(f"joined {room}")
        bob = user(synapse, unique("bob"))
        bob.join(room)
        proxy.hold("POST", "/createRoom", 30, body_contains=bob.user_id)
        bob.send_text(room, "!mydata")
        deadline = time.time() + 10
        while not proxy.count("POST", "/createRoom", bob.user_id) and time.time() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)
        bot.proc.send_signal(signal.SIGKILL)
        bot.proc.wait()
        proxy.clear()
        proxy.hold("GET", "/sync", 6, times=1)
        offset = len(bot.log_text())
        bot.start()
        bot.wait_log("resumed as", after=offset)
        private = bob.wait_invite(timeout=40)
        bob.join(private)
        bob.wait_message(bot_id, None, room_id=private, timeout=40)
        time.sleep(2)
        bob.sync()
        assert not bob._invites, "one direct room only"
        direct = as_bot.account_data("m.direct") or {}
        assert alice_dm in direct.get(alice.user_id, []), f"alice's DM is still in m.direct: {direct}"
        assert private in direct.get(bob.user_id, []), f"bob's new DM is in m.direct: {direct}"
        say(alice, alice_dm, "help")
        alice.wait_message(bot_id, "Commands", room_id=alice_dm)
    finally:
        proxy.close()


def test_messages_past_one_sync_while_the_bot_was_down_are_each_handled_once(synapse, make_bot):
    admin = user(synapse, unique("boss"))
    room = admin.create_room(preset="public_chat")
    bot, bot_id = start_bot(synapse, make_bot)
    admin.invite(room, bot_id)
    bot.wait_log(f"joined {room}")
    alice, _ = member(synapse, bot_id, unique("alice"), "kite surfing")
    bob = user(synapse, unique("bob"))
    bob.join(room)
    time.sleep(1)
    assert bot.stop() == 0
    bob.send_text(room, "!ask kite surfing")
    for i in range(70):
        bob.send_text(room, f"chatter {i}")
    offset = len(bot.log_text())
    bot.start()
    bot.wait_log("resumed as", after=offset)
    bob.wait_message(bot_id, "Request #", room_id=room, timeout=30)
    alice.wait_message(bot_id, "accept")
    bot.stop()
    offset = len(bot.log_text())
    bot.start()
    bot.wait_log("resumed as", after=offset)
    time.sleep(4)
    replies = [b for b in bot_bodies(bob, room, bot_id) if "Request #" in b]
    assert len(replies) == 1, f"handled once: {replies}"
