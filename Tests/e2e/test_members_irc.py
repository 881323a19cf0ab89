"""IRC as members live it (issue "IRC as members live it"), on InspIRCd + Atheme: a member
who was offline when an offer was settled never gets the stale offer or its withdrawal; a
two-part introduction splits at a sentence end."""
import re
import time

from conftest import bot_conf, unique
from ircclient import Client, opted_in_member, register_account


def test_a_member_who_comes_back_gets_no_offer_that_was_settled_while_away(servers, make_bot):
    port = servers["INSPIRCD_PORT"]
    channel = "#" + unique("away")
    nick = unique("lbot")
    bot = make_bot(bot_conf(port, channel, extra=f"nick = {nick}")).start()
    bot.wait_log(f"joined {channel}")
    alice, carol, bob = unique("alice"), unique("carol"), unique("bob")
    a = opted_in_member(port, nick, alice, "reverse mortgages")
    c = opted_in_member(port, nick, carol, "reverse mortgages")
    c.close()
    time.sleep(1.0)
    register_account(port, bob, "pw")
    b = Client(port, bob, account=bob, password="pw")
    b.say(nick, "ask reverse mortgages")
    reply = b.wait_text(nick, "request #")
    rid = int(re.search(r"#(\d+)", reply).group(1))
    a.wait_text(nick, f"accept {rid}")
    a.say(nick, f"accept {rid}")
    b.wait_text(nick, f"meet {alice}")
    # Carol comes back, logged in: the offer lost its point before it reached her.
    back = Client(port, carol, account=carol, password="pw")
    back.say(nick, "requests")
    back.wait_text(nick, "")
    back.drain(4)
    assert not back.said(nick, "introduction offer"), back.messages
    assert not back.said(nick, "no longer needed"), back.messages


def test_a_member_who_is_away_gets_the_offer_when_back_and_is_answered_meanwhile(servers, make_bot):
    """Issue item 2: /away on a bouncer or an Ergo always-on nick means nobody reads. The
    offer waits (away-notify in a shared channel says when they are back); their own
    commands are answered at once."""
    port = servers["INSPIRCD_PORT"]
    channel = "#" + unique("afk")
    nick = unique("lbot")
    bot = make_bot(bot_conf(port, channel, extra=f"nick = {nick}")).start()
    bot.wait_log(f"joined {channel}")
    alice, bob = unique("alice"), unique("bob")
    a = opted_in_member(port, nick, alice, "beekeeping")
    a.join(channel)
    a.send("AWAY :out with the bees")
    a.wait(lambda t, s, c, p: c == "306")
    time.sleep(0.5)
    b = Client(port, bob)
    b.say(nick, "ask beekeeping")
    reply = b.wait_text(nick, "request #")
    rid = int(re.search(r"#(\d+)", reply).group(1))
    a.drain(4)
    assert not a.said(nick, f"accept {rid}"), f"no offer while away: {a.messages[-4:]}"
    # Her own commands are answered while she is away.
    a.say(nick, "expertise")
    a.wait_text(nick, "your topics: beekeeping")
    # ...and a line from her shows someone is there: the offer follows.
    a.wait_text(nick, f"accept {rid}", timeout=10)


def test_an_offer_waits_while_the_member_is_away_and_arrives_on_return(servers, make_bot):
    port = servers["INSPIRCD_PORT"]
    channel = "#" + unique("afk")
    nick = unique("lbot")
    bot = make_bot(bot_conf(port, channel, extra=f"nick = {nick}")).start()
    bot.wait_log(f"joined {channel}")
    carol, dave = unique("carol"), unique("dave")
    c = opted_in_member(port, nick, carol, "kite surfing")
    c.join(channel)
    time.sleep(1.0)
    c.send("AWAY :back later")
    c.wait(lambda t, s, cmd, p: cmd == "306")
    time.sleep(0.5)
    d = Client(port, dave)
    d.say(nick, "ask kite surfing")
    reply = d.wait_text(nick, "request #")
    rid = int(re.search(r"#(\d+)", reply).group(1))
    c.drain(5)
    assert not c.said(nick, f"accept {rid}"), f"no offer while away: {c.messages[-4:]}"
    c.send("AWAY")
    c.wait_text(nick, f"accept {rid}", timeout=10)
