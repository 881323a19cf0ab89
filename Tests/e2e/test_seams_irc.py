"""Promises that hold at every seam, on InspIRCd + Atheme (issue "Promises that hold at every
seam", items 3 and 10): messages waiting for people who left never hold up anyone else, a
nick without an account that comes back is answered again, and a line to a channel from
outside it is not membership."""
import sqlite3
import time

from conftest import bot_conf, unique
from ircclient import Client, register_account


def start(make_bot, servers, channel, broker="", flood="flood_interval = 0s"):
    nick = unique("lbot")
    bot = make_bot(bot_conf(servers["INSPIRCD_PORT"], channel, broker=broker, flood=flood,
                            extra=f"nick = {nick}")).start()
    bot.wait_log(f"joined {channel.split(',')[0]}")
    return bot, nick


def waiting_rows(bot, target):
    db = sqlite3.connect(f"file:{bot.dir / 'state.db'}?mode=ro", uri=True)
    try:
        return db.execute("SELECT COUNT(*) FROM outbox WHERE target = ?", (target,)).fetchone()[0]
    finally:
        db.close()


def test_hundreds_of_messages_for_someone_who_left_never_hold_up_a_channel_reply(servers, make_bot):
    port = servers["INSPIRCD_PORT"]
    gone = unique("gone")
    register_account(port, gone, "pw")
    channel = "#" + unique("pile")
    # Paced, so most replies are still queued when the person quits.
    bot, nick = start(make_bot, servers, channel, broker="commands_per_minute = 0",
                      flood="flood_burst = 2\nflood_interval = 1s")
    g = Client(port, gone, account=gone, password="pw")
    for _ in range(600):
        g.send(f"PRIVMSG {nick} :help")
    g.wait_text(nick, "")  # the first reply: the bot is reading
    g.close()
    deadline = time.time() + 60
    while waiting_rows(bot, f"test:{gone.lower()}") < 550 and time.time() < deadline:
        time.sleep(0.2)
    assert waiting_rows(bot, f"test:{gone.lower()}") >= 550, "the replies wait for the account that left"
    bob = Client(port, unique("bob"))
    bob.join(channel)
    bob.say(channel, "!help")
    assert bob.wait_text(nick, "help", target=channel, timeout=30), "a reply behind 550 waiting rows arrives"


def test_a_nick_without_an_account_that_comes_back_is_answered_again(servers, make_bot):
    port = servers["INSPIRCD_PORT"]
    channel = "#" + unique("back")
    bot, nick = start(make_bot, servers, channel, flood="flood_burst = 1\nflood_interval = 1s")
    name = unique("anon")
    first = Client(port, name)
    for _ in range(3):
        first.say(nick, "help")
    first.wait_text(nick, "")
    first.close()
    # The replies still queued go to a nick nobody has: the server answers 401.
    bot.wait_log("dropped a message for someone who left", timeout=20)
    second = Client(port, name)
    second.say(nick, "topics")
    assert second.wait_text(nick, "topic", timeout=15), "private replies reach the nick once it is back"


def test_a_line_to_a_channel_from_outside_it_is_not_membership(servers, make_bot):
    """asks-from channels: only people really in a channel with the expert may be offered."""
    port = servers["INSPIRCD_PORT"]
    alice, mallory = unique("alice"), unique("mal")
    for name in (alice, mallory):
        register_account(port, name, "pw")
    channel = "#" + unique("open")
    a = Client(port, alice, account=alice, password="pw")
    a.join(channel)
    a.send(f"MODE {channel} -n")  # lines from outside the channel are let in
    time.sleep(0.3)
    lobby = "#" + unique("lobby")
    bot, nick = start(make_bot, servers, f"{channel},{lobby}")
    bot.wait_log(f"joined {lobby}")
    a.say(nick, "optin")
    a.wait_text(nick, "you're in")
    a.say(nick, "expertise add zymology")
    a.wait_text(nick, "added")
    a.say(nick, "prefs asks-from channels")
    a.wait_text(nick, "share a channel")
    m = Client(port, mallory, account=mallory, password="pw")
    m.say(channel, "hello from outside")
    time.sleep(0.5)
    m.join(lobby)  # a real join elsewhere: the bot reports where it believes mallory is
    time.sleep(1.0)
    m.say(nick, "ask zymology")
    m.wait_text(nick, "request #")
    a.drain(3)
    assert not a.said(nick, "introduction offer"), "a line from outside made mallory look like a channel member"
