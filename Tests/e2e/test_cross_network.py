"""Issue 7: one directory across IRC and Matrix, in one Liaison process with real servers
(InspIRCd + Atheme, Synapse). A person links their IRC account and Matrix ID into one
member; a Matrix requester meets an IRC expert and an IRC requester a Matrix expert; an
unlink separates the identities again."""
import re
import tempfile
from pathlib import Path

from conftest import unique
from ircclient import Client, opted_in_member, register_account
import matrixclient as mx
from test_matrix import synapse, user, dm  # noqa: F401  (the fixture is used by name)


def start_both(servers, synapse, make_bot):
    """One Liaison on InspIRCd (network libera) and Synapse (network mx)."""
    url, secret = synapse["SYNAPSE_URL"], synapse["SYNAPSE_SHARED_SECRET"]
    port = servers["INSPIRCD_PORT"]
    bot_name = unique("lbot")
    mx.register(url, secret, bot_name, "pw-" + bot_name)
    pw = Path(tempfile.mkdtemp()) / "pass"
    pw.write_text("pw-" + bot_name + "\n")
    channel = "#" + unique("both")
    conf = f"""[bot]
name = {bot_name}
state = state.db
log_level = info
admins = libera:{bot_name}-admin
[console]
enabled = no
[irc.libera]
host = 127.0.0.1
port = {port}
tls = no
nick = {bot_name}
channels = {channel}
flood_interval = 0s
[matrix.mx]
homeserver = {url}
user_id = @{bot_name}:localhost
password_file = {pw}
invite_from = localhost
"""
    bot = make_bot(conf).start()
    bot.wait_log(f"joined {channel}")
    bot.wait_log("first sync")
    return bot, bot_name, f"@{bot_name}:localhost", channel, port


def test_link_then_introductions_both_ways_across_networks_then_unlink(servers, synapse, make_bot):
    bot, bot_name, bot_mx, channel, port = start_both(servers, synapse, make_bot)

    # Alice: an IRC account and a Matrix ID, linked into one member.
    alice = unique("alice")
    a_irc = opted_in_member(port, bot_name, alice, "glassblowing")
    a_irc.say(bot_name, "link mx")
    code = re.search(r"code is ([A-Z0-9]{8})", a_irc.wait_text(bot_name, "link code")).group(1)
    a_mx = user(synapse, alice)
    a_room = dm(a_mx, bot_mx)
    a_mx.send_text(a_room, f"link {code}")
    a_mx.wait_message(bot_mx, "Linked", room_id=a_room)
    a_irc.wait_text(bot_name, "Linked")
    a_mx.send_text(a_room, "expertise")
    a_mx.wait_message(bot_mx, "glassblowing", room_id=a_room)

    # A Matrix requester meets the IRC expert: the offer reaches Alice on IRC.
    bob = user(synapse, unique("bob"))
    b_room = dm(bob, bot_mx)
    bob.send_text(b_room, "ask glassblowing")
    n = int(re.search(r"#(\d+)", bob.wait_message(bot_mx, "1 member", room_id=b_room)[1]).group(1))
    a_irc.wait_text(bot_name, f"accept {n}")
    a_irc.say(bot_name, f"accept {n}")
    _, intro = bob.wait_message(bot_mx, "Introduction", room_id=b_room)
    assert f"{alice} on IRC (libera)" in intro and f"/msg {alice}" in intro, intro
    to_alice = a_irc.wait_text(bot_name, f"Introduction #{n}")
    assert "on Matrix" in to_alice, to_alice

    # An IRC requester meets a Matrix expert.
    sarah = user(synapse, unique("sarah"))
    s_room = dm(sarah, bot_mx)
    sarah.send_text(s_room, "optin")
    sarah.wait_message(bot_mx, "in", room_id=s_room)
    sarah.send_text(s_room, "expertise add pottery")
    sarah.wait_message(bot_mx, "Added", room_id=s_room)
    carol = unique("carol")
    register_account(port, carol, "pw")
    c_irc = Client(port, carol, account=carol, password="pw")
    c_irc.join(channel)
    c_irc.say(channel, "!ask pottery")
    m = int(re.search(r"#(\d+)", c_irc.wait_text(bot_name, "1 member", target=channel)).group(1))
    sarah.wait_message(bot_mx, f"accept {m}", room_id=s_room)
    sarah.send_text(s_room, f"accept {m}")
    to_carol = c_irc.wait_text(bot_name, f"Introduction #{m}")
    assert f"({sarah.user_id}) on Matrix" in to_carol and f"start a chat with {sarah.user_id}" in to_carol, to_carol
    _, to_sarah = sarah.wait_message(bot_mx, f"Introduction #{m}", room_id=s_room)
    assert f"{carol} on IRC (libera)" in to_sarah, to_sarah

    # Unlink: the Matrix identity is on its own again; the member keeps its topics on IRC.
    a_mx.send_text(a_room, "unlink mx")
    a_mx.wait_message(bot_mx, "Unlinked mx", room_id=a_room)
    a_mx.send_text(a_room, "expertise")
    _, body = a_mx.wait_message(bot_mx, None, room_id=a_room)
    assert "glassblowing" not in body, body
    a_irc.say(bot_name, "expertise")
    a_irc.wait_text(bot_name, "glassblowing")


FORMATTING = "\x01\x02\x03\x04\x0f\x11\x16\x1d\x1e\x1f"


def test_a_matrix_display_name_never_becomes_an_irc_line_ctcp_or_formatting(servers, synapse, make_bot):
    """A Matrix user shapes their display name and words to make the bot send a CTCP DCC
    offer, an extra line and colours to an IRC expert. The expert's client reads every line
    the bot sends: none carries anything the user wrote as control."""
    bot, bot_name, bot_mx, channel, port = start_both(servers, synapse, make_bot)
    expert = unique("eve")
    e_irc = opted_in_member(port, bot_name, expert, "falconry")
    mallory = user(synapse, unique("mal"))
    mallory.set_display_name("Mal\n\x01DCC SEND evil.exe 2130706433 6667 1\x01\r\nPRIVMSG #ops :\x02\x0304owned")
    m_room = dm(mallory, bot_mx)
    mallory.send_text(m_room, "ask \x02falconry\x0f\x01")
    offer = e_irc.wait_text(bot_name, "Introduction offer")
    n = int(re.search(r"#(\d+)", offer).group(1))
    e_irc.say(bot_name, f"accept {n}")
    e_irc.wait_text(bot_name, f"Introduction #{n}")
    e_irc.drain(1)
    from_bot = [line for line in e_irc.lines if line.startswith(f":{bot_name}!")]
    assert len(from_bot) >= 3, from_bot
    for line in from_bot:
        assert not any(c in line for c in FORMATTING), f"a control code on the wire: {line!r}"
        text = line.split(" :", 1)[-1]
        assert not text.startswith(("DCC", "PRIVMSG", "\x01")), f"user text became a line: {line!r}"
    assert any("Mal DCC SEND evil.exe" in line for line in from_bot), "the name arrives as plain words"
