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
