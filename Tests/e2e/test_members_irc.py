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


def away_member_with_a_request(servers, make_bot, topic):
    """A bot in a channel, a member there who set /away, and someone else's request for
    their topic: (member client, bot nick, request id), once the offer would have gone out."""
    port = servers["INSPIRCD_PORT"]
    channel = "#" + unique("afk")
    nick = unique("lbot")
    bot = make_bot(bot_conf(port, channel, extra=f"nick = {nick}")).start()
    bot.wait_log(f"joined {channel}")
    member = opted_in_member(port, nick, unique("alice"), topic)
    member.join(channel)
    member.send("AWAY :out for a while")
    member.wait(lambda t, s, c, p: c == "306")
    time.sleep(0.5)
    asker = Client(port, unique("bob"))
    asker.say(nick, f"ask {topic}")
    rid = int(re.search(r"#(\d+)", asker.wait_text(nick, "request #")).group(1))
    member.drain(4)
    assert not member.said(nick, f"accept {rid}"), f"no offer while away: {member.messages[-4:]}"
    return member, nick, rid


def test_a_member_who_is_away_is_answered_and_a_line_from_them_brings_the_offer(servers, make_bot):
    """Issue item 2: /away on a bouncer or an Ergo always-on nick means nobody reads. The
    offer waits; their own commands are answered at once, and a line from them shows
    someone is there, so the offer follows."""
    a, nick, rid = away_member_with_a_request(servers, make_bot, "beekeeping")
    a.say(nick, "expertise")
    a.wait_text(nick, "your topics: beekeeping")
    a.wait_text(nick, f"accept {rid}", timeout=10)


def test_an_offer_waits_while_the_member_is_away_and_arrives_on_return(servers, make_bot):
    """AWAY without text (away-notify in the shared channel) says they are back."""
    c, nick, rid = away_member_with_a_request(servers, make_bot, "kite surfing")
    c.send("AWAY")
    c.wait_text(nick, f"accept {rid}", timeout=10)
