"""Liaison on real IRC servers, driven by real client connections (SPEC §1-§4, issue 3)."""
import re
import sqlite3
import time

import pytest

import subprocess

from conftest import bot_conf, unique, SERVERS
from ircclient import Client, opted_in_member, register_account


def member(port, nick, topics, password="pw"):
    """A logged-in member with topics, opted in (the account is registered beforehand)."""
    return opted_in_member(port, BOT[0], nick, topics, password=password, register=False)


BOT = ["liaison"]  # the current test's bot nick


def start_bot(make_bot, servers, channel, admins="", extra="", port=None, broker="", flood="flood_interval = 0s"):
    nick = unique("lbot")
    BOT[0] = nick
    bot = make_bot(bot_conf(port or servers["INSPIRCD_PORT"], channel, admins=admins, broker=broker, flood=flood,
                            extra=f"nick = {nick}\n{extra}")).start()
    bot.wait_log(f"joined {channel}")
    return bot, nick


def accounts(servers, *names):
    port = servers["INSPIRCD_PORT"]
    for name in names:
        register_account(port, name, "pw")


def request_id(text):
    return int(re.search(r"#(\d+)", text).group(1))


def test_the_whole_story_with_four_real_clients(servers, make_bot):
    port = servers["INSPIRCD_PORT"]
    admin, alice, carol, bob = (unique(n) for n in ("boss", "alice", "carol", "bob"))
    accounts(servers, admin, alice, carol, bob)
    channel = "#" + unique("net")
    bot, nick = start_bot(make_bot, servers, channel, admins=f"test:{admin}")
    a = member(port, alice, "reverse mortgages, tax law")
    c = member(port, carol, "reverse mortgages")
    b = Client(port, bob, account=bob, password="pw")
    boss = Client(port, admin, account=admin, password="pw")
    for client in (a, b):
        client.join(channel)
    b.say(channel, "hi all, who knows about reverse mortgages?")
    reply = b.wait_text(nick, "2 members", target=channel)
    rid = request_id(reply)
    offer_a = a.wait_text(nick, f"accept {rid}")
    c.wait_text(nick, f"accept {rid}")
    assert "you are both in" in offer_a.lower(), "common ground from live channel membership"
    c.say(nick, f"decline {rid}")
    c.wait_text(nick, "declined")
    a.say(nick, f"accept {rid}")
    intro_b = b.wait_text(nick, f"meet {alice}")
    a.wait_text(nick, f"meet {bob}")
    assert carol not in intro_b and not b.said(nick, carol), "a decliner is never named to the requester"
    b.say(nick, f"thanks {rid}")
    a.wait_text(nick, "thanks you")
    boss.say(nick, "admin stats")
    stats = boss.wait_text(nick, "introductions: 1")
    assert "acceptance rate: 50%" in stats.lower()


def test_a_nick_without_the_account_gets_neither_offers_nor_admin_rights(servers, make_bot):
    port = servers["INSPIRCD_PORT"]
    admin, dave, bob = unique("boss"), unique("dave"), unique("bob")
    accounts(servers, admin, dave, bob)
    channel = "#" + unique("imp")
    bot, nick = start_bot(make_bot, servers, channel, admins=f"test:{admin}")
    d = member(port, dave, "zymurgy")
    d.close()
    time.sleep(0.5)
    b = Client(port, bob, account=bob, password="pw")
    b.say(nick, "ask zymurgy")
    rid = request_id(b.wait_text(nick, "request #"))
    # Mallory takes the expert's nick, without the account.
    mallory = Client(port, dave)
    mallory.drain(2)
    assert not mallory.said(nick, "accept"), "the offer must not reach a nick without the account"
    mallory.say(nick, f"accept {rid}")
    assert "no offer" in mallory.wait_text(nick, "offer").lower()
    mallory.say(nick, "optin")
    assert "services account" in mallory.wait_text(nick, "logged in").lower()
    mallory.close()
    # ... and the admin's nick.
    fake_admin = Client(port, admin)
    fake_admin.say(nick, "admin stats")
    assert "only for" in fake_admin.wait_text(nick, "admin").lower()
    fake_admin.close()
    assert "refused admin command" in bot.log_text()
    # The real expert, logged in again, gets the offer that waited in the outbox: MONITOR
    # shows the nick is back, and WHOX that it is logged in to the account now.
    time.sleep(0.5)
    d2 = Client(port, dave, account=dave, password="pw")
    d2.wait_text(nick, f"accept {rid}")
    d2.say(nick, f"accept {rid}")
    b.wait_text(nick, f"meet {dave}")


def test_a_user_without_an_account_may_ask(servers, make_bot):
    port = servers["INSPIRCD_PORT"]
    alice = unique("alice")
    accounts(servers, alice)
    channel = "#" + unique("anon")
    bot, nick = start_bot(make_bot, servers, channel)
    a = member(port, alice, "bee keeping")
    guest = Client(port, unique("guest"))
    guest.join(channel)
    guest.say(channel, f"{nick}: who knows bee keeping")
    rid = request_id(guest.wait_text(nick, "1 member", target=channel))
    a.wait_text(nick, f"accept {rid}")
    a.say(nick, f"accept {rid}")
    guest.wait_text(nick, f"meet {alice}")


def test_ctcp_is_answered_and_notices_never(servers, make_bot):
    port = servers["INSPIRCD_PORT"]
    channel = "#" + unique("ctcp")
    bot, nick = start_bot(make_bot, servers, channel)
    c = Client(port, unique("ctcp"))
    c.say(nick, "\x01VERSION\x01")
    c.wait(lambda t, s, cmd, p: cmd == "NOTICE" and "VERSION Liaison" in p[-1])
    c.say(nick, "\x01PING 12345\x01")
    c.wait(lambda t, s, cmd, p: cmd == "NOTICE" and "PING 12345" in p[-1])
    c.send(f"NOTICE {nick} :help")
    c.drain(1.5)
    assert not c.said(nick, "commands"), "a NOTICE is never answered"


def test_long_replies_are_split_within_512_bytes(servers, make_bot):
    port = servers["INSPIRCD_PORT"]
    admin = unique("boss")
    accounts(servers, admin)
    channel = "#" + unique("long")
    bot, nick = start_bot(make_bot, servers, channel, admins=f"test:{admin}")
    boss = Client(port, admin, account=admin, password="pw")
    topics = ", ".join(f"topic{i} épée naïve 中文 rust" for i in range(12))
    boss.say(nick, f"expertise add {topics[:400]}")
    boss.wait_text(nick, "added")
    boss.say(nick, "expertise")
    boss.wait_text(nick, "your topics")
    boss.drain(1)
    raw = [l for l in boss.lines if f" PRIVMSG {admin} :" in l and l.startswith(f":{nick}!")]
    assert raw and all(len((l + "\r\n").encode()) <= 512 for l in raw)


def test_kicked_bot_stays_out_and_follows_only_admin_invites(servers, make_bot):
    port = servers["INSPIRCD_PORT"]
    admin = unique("boss")
    accounts(servers, admin)
    channel = "#" + unique("kick")
    boss = Client(port, admin, account=admin, password="pw")
    boss.join(channel)  # first in: channel operator
    guest = Client(port, unique("guest"))
    guest.join(channel)
    boss.send(f"MODE {channel} +o {guest.nick}")  # so the server lets the guest invite
    bot, nick = start_bot(make_bot, servers, channel, admins=f"test:{admin}")
    boss.send(f"KICK {channel} {nick} :out")
    bot.wait_log(f"kicked from {channel}")
    guest.send(f"INVITE {nick} {channel}")
    bot.wait_log("ignored an invitation")
    time.sleep(1)
    assert bot.log_text().count(f"joined {channel}") == 1, "no rejoin after a kick, nor on a non-admin's invite"
    boss.send(f"INVITE {nick} {channel}")
    bot.wait_log(f"joined {channel}", after=bot.log_text().index("ignored an invitation"))


def test_one_floods_another_is_still_answered(servers, make_bot):
    port = servers["INSPIRCD_PORT"]
    channel = "#" + unique("flood")
    bot, nick = start_bot(make_bot, servers, channel, flood="flood_burst = 2\nflood_interval = 1s")
    flooder = Client(port, unique("fl"))
    other = Client(port, unique("ot"))
    for _ in range(12):
        flooder.say(nick, "topics")
    time.sleep(0.5)
    start = time.time()
    other.say(nick, "help")
    other.wait_text(nick, "commands", timeout=30)
    waited = time.time() - start
    flooder.drain(0.2)
    answered = len(flooder.said(nick, "topics"))
    assert waited < 4, f"the other person waited {waited:.1f}s behind the flood"
    assert answered < 12, "the flooder's replies are paced"


def test_ten_thousand_commands_in_a_minute_cost_others_nothing(servers, make_bot):
    """Issue 6, item 5: one person sends 10,000 commands as fast as the socket takes them.
    Another person's request is still answered within the flood-control budget, the bot's
    memory stays bounded, and the flooder gets at most commands_per_minute answers and one
    notice."""
    port = servers["INSPIRCD_PORT"]
    channel = "#" + unique("abuse")
    bot, nick = start_bot(make_bot, servers, channel, flood="flood_burst = 2\nflood_interval = 1s")
    flooder = Client(port, unique("fl"))
    other = Client(port, unique("ot"))
    other.join(channel)

    def rss_kb():
        with open(f"/proc/{bot.proc.pid}/status") as f:
            return int(next(l for l in f if l.startswith("VmRSS:")).split()[1])

    before = rss_kb()
    started = time.time()
    flooder.sock.sendall(b"".join(b"PRIVMSG %s :topics\r\n" % nick.encode() for _ in range(10000)))
    sent_in = time.time() - started
    time.sleep(1)
    start = time.time()
    other.say(channel, "!ask underwater basket weaving")
    other.wait_text(nick, "Request #", target=channel, timeout=30)
    waited = time.time() - start
    time.sleep(3)
    growth = rss_kb() - before
    flooder.drain(2)
    answers = flooder.said(nick, "")
    assert sent_in < 60, "the flood was sent within a minute"
    assert waited < 4, f"the other person waited {waited:.1f}s behind 10,000 commands"
    assert len(answers) <= 31, f"the flooder got {len(answers)} lines"
    assert "commands in a minute; ignoring them" in bot.log_text(), "the flood is cut off (the notice waits its turn)"
    assert growth < 30_000, f"memory grew {growth} kB"
    assert bot.proc.poll() is None


def test_sigterm_under_load_quits_within_five_seconds_and_keeps_what_it_confirmed(servers, make_bot):
    """Issue 6, item 2: SIGTERM while requests pour in: QUIT on IRC, exit 0 within 5 s, and
    every request the bot acknowledged in the channel is in the state file."""
    port = servers["INSPIRCD_PORT"]
    channel = "#" + unique("term")
    bot, nick = start_bot(make_bot, servers, channel,
                          broker="max_open_requests = 100000\nmax_requests_per_day = 100000\ncommands_per_minute = 0")
    watcher = Client(port, unique("w"))
    watcher.join(channel)
    askers = [Client(port, unique("a")) for _ in range(5)]
    for a in askers:
        a.join(channel)
    for i in range(300):
        askers[i % 5].say(channel, f"!ask subject number {i}")
    watcher.wait_text(nick, "Request #", target=channel)
    start = time.time()
    assert bot.stop() == 0, "SIGTERM: exit 0"
    took = time.time() - start
    assert took < 5, f"stopped in {took:.1f}s"
    watcher.wait(lambda t, s, cmd, p: cmd == "QUIT" and s and s.split("!")[0] == nick)
    acked = {int(n) for text in watcher.said(nick, "Request #") for n in re.findall(r"Request #(\d+)", text)}
    assert 1 <= len(acked) < 300, f"{len(acked)} acknowledged: the stop came mid-stream"
    stored = {row[0] for row in sqlite3.connect(str(bot.dir / "state.db")).execute("SELECT id FROM request")}
    assert acked <= stored, f"acknowledged but lost: {sorted(acked - stored)[:10]}"


def test_ngircd_without_services_uses_nicks(servers, make_bot):
    port = servers["NGIRCD_PORT"]
    channel = "#" + unique("ng")
    bot, nick = start_bot(make_bot, servers, channel, port=port, extra="identity = nick\n")
    a = Client(port, unique("al"))
    a.say(nick, "optin")
    a.wait_text(nick, "you're in")
    a.say(nick, "know sourdough")
    a.wait_text(nick, "added")
    b = Client(port, unique("bo"))
    b.join(channel)
    b.say(channel, "does anyone know about sourdough?")
    rid = request_id(b.wait_text(nick, "1 member", target=channel))
    a.wait_text(nick, f"accept {rid}")
    a.say(nick, f"yes")
    b.wait_text(nick, f"meet {a.nick}")


def test_server_restart_bot_returns_and_request_completes(servers, make_bot):
    port = servers["INSPIRCD_PORT"]
    alice, bob = unique("alice"), unique("bob")
    accounts(servers, alice, bob)
    channel = "#" + unique("rs")
    bot, nick = start_bot(make_bot, servers, channel)
    a = member(port, alice, "origami")
    b = Client(port, bob, account=bob, password="pw")
    b.say(nick, "ask origami")
    rid = request_id(b.wait_text(nick, "request #"))
    a.wait_text(nick, f"accept {rid}")
    offset = len(bot.log_text())
    started = time.time()
    subprocess.run([str(SERVERS), "restart-inspircd", servers["DIR"]], check=True)
    bot.wait_log(f"joined {channel}", timeout=30, after=offset)
    back = time.time() - started
    print(f"\nirc_restart_to_rejoined {back:.2f} s")
    a2 = Client(port, alice, account=alice, password="pw")
    b2 = Client(port, bob, account=bob, password="pw")
    a2.say(nick, f"accept {rid}")
    b2.wait_text(nick, f"meet {alice}", timeout=30)


def whois_account(port, nick):
    c = Client(port, unique("who"))
    c.send(f"WHOIS {nick}")
    _, _, cmd, params = c.wait(lambda t, s, cmd, p: cmd in ("330", "318"))
    c.close()
    return params[2] if cmd == "330" else None


def test_the_bot_logs_in_with_sasl_plain_from_a_password_file(servers, make_bot, tmp_path):
    port = servers["INSPIRCD_PORT"]
    nick = unique("lbot")
    register_account(port, nick, "bot-secret-pw")
    (tmp_path / "pass").write_text("bot-secret-pw\n")
    channel = "#" + unique("sasl")
    BOT[0] = nick
    bot = make_bot(bot_conf(port, channel, extra=f"nick = {nick}\nsasl = plain\naccount = {nick}\npassword_file = {tmp_path / 'pass'}\n")).start()
    bot.wait_log(f"logged in to services as {nick}")
    bot.wait_log(f"joined {channel}")
    assert whois_account(port, nick) == nick
    assert "bot-secret-pw" not in bot.log_text(), "secrets are never logged"


def test_the_bot_logs_in_with_sasl_external_and_a_client_certificate(servers, make_bot):
    port, tls_port = servers["INSPIRCD_PORT"], servers["INSPIRCD_TLS_PORT"]
    nick = unique("lbot")
    register_account(port, nick, "pw")
    # Register the certificate's fingerprint with the bot's account (CERT ADD over TLS).
    owner = Client(tls_port, nick, account=nick, password="pw", tls=True,
                   certfile=servers["CLIENT_CERT"], keyfile=servers["CLIENT_KEY"])
    owner.say("NickServ", "CERT ADD")
    owner.wait(lambda t, s, cmd, p: cmd == "NOTICE" and "fingerprint" in p[-1].lower())
    owner.close()
    time.sleep(0.5)
    channel = "#" + unique("ext")
    BOT[0] = nick
    bot = make_bot(bot_conf(tls_port, channel, tls="yes",
                            extra=f"nick = {nick}\nsasl = external\nclient_cert_file = {servers['CLIENT_PEM']}\n")).start()
    bot.wait_log("logged in to services")
    bot.wait_log(f"joined {channel}")
    assert whois_account(port, nick) == nick


def test_a_request_without_an_account_ends_when_its_nick_changes(servers, make_bot):
    port = servers["INSPIRCD_PORT"]
    alice = unique("alice")
    accounts(servers, alice)
    channel = "#" + unique("bound")
    bot, nick = start_bot(make_bot, servers, channel)
    a = member(port, alice, "kite surfing")
    guest = Client(port, unique("guest"))
    guest.join(channel)
    guest.say(channel, "!ask kite surfing")
    rid = request_id(guest.wait_text(nick, "1 member", target=channel))
    a.wait_text(nick, f"accept {rid}")
    guest.send(f"NICK {unique('other')}")
    assert "the requester left" in a.wait_text(nick, "withdrawn").lower()
    a.say(nick, f"accept {rid}")
    assert "withdrawn" in a.wait_text(nick, f"#{rid}").lower()


def test_a_taken_nick_is_replaced_and_regained_when_it_frees(servers, make_bot):
    port = servers["INSPIRCD_PORT"]
    nick = unique("lbot")
    holder = Client(port, nick)
    channel = "#" + unique("nick")
    BOT[0] = nick
    bot = make_bot(bot_conf(port, channel, extra=f"nick = {nick}\n")).start()
    bot.wait_log(f"registered as {nick}_")
    bot.wait_log(f"joined {channel}")
    holder.close()
    took = bot.wait_log(f"regained the nick {nick}", timeout=10)
    assert took < 5, "MONITOR tells the bot at once"


def test_admins_and_bans_compare_accounts_with_the_server_casemapping(servers, make_bot):
    port = servers["INSPIRCD_PORT"]
    admin, mallory, alice = unique("boss"), unique("mal"), unique("alice")
    accounts(servers, admin, mallory, alice)
    channel = "#" + unique("case")
    # bot.conf spells the admin in capitals; the server folds accounts (rfc1459).
    bot, nick = start_bot(make_bot, servers, channel, admins=f"test:{admin.upper()}")
    a = member(port, alice, "pottery")
    boss = Client(port, admin, account=admin, password="pw")
    boss.say(nick, f"admin ban test:{mallory.upper()} spam")
    boss.wait_text(nick, "banned")
    m = Client(port, mallory, account=mallory, password="pw")
    m.say(nick, "ask pottery")
    assert "banned" in m.wait_text(nick, "banned").lower()
    a.drain(1)
    assert not a.said(nick, "accept"), "a banned requester reaches nobody"


def test_listen_commands_ignore_list_and_a_polite_quit(servers, make_bot):
    port = servers["INSPIRCD_PORT"]
    alice = unique("alice")
    accounts(servers, alice)
    other_bot = unique("otherbot")
    channel = "#" + unique("listen")
    bot, nick = start_bot(make_bot, servers, channel, extra=f"listen = commands\nignore = {other_bot}, ChanServ\n")
    a = member(port, alice, "chess")
    b = Client(port, unique("bob"))
    b.join(channel)
    watcher = Client(port, unique("w"))
    watcher.join(channel)
    b.say(channel, "who knows about chess?")
    b.drain(1.5)
    assert not b.said(nick, "member"), "listen = commands: questions are not answered"
    b.say(channel, "!ask chess")
    b.wait_text(nick, "1 member", target=channel)
    ob = Client(port, other_bot)
    ob.say(nick, "help")
    ob.drain(1.5)
    assert not ob.said(nick, "commands"), "ignored nicks are never answered"
    assert bot.stop() == 0, "SIGTERM: exit 0"
    watcher.wait(lambda t, s, cmd, p: cmd == "QUIT" and s and s.split("!")[0] == nick)
