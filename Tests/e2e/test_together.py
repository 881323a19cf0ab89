"""One Liaison process with the console, an IRC network and a Matrix homeserver, against one
state file: a member on IRC is found by a request on Matrix, and the console still works.
The same full run shows that no password or token reaches the log (issue 6, item 6)."""
import base64
import re
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from conftest import Bot, unique
from ircclient import Client, register_account
import matrixclient as mx
from test_matrix import SYNAPSE, start_synapse, dm


def test_console_irc_and_matrix_in_one_process(servers, make_bot):
    env = start_synapse()
    try:
        url, secret = env["SYNAPSE_URL"], env["SYNAPSE_SHARED_SECRET"]
        bot_name = unique("lbot")
        matrix_password = "mx-S3cret-" + bot_name
        irc_password = "irc-S3cret-" + bot_name
        mx.register(url, secret, bot_name, matrix_password)
        register_account(servers["INSPIRCD_PORT"], bot_name, irc_password)
        pw = Path(tempfile.mkdtemp()) / "pass"
        pw.write_text(matrix_password + "\n")
        ircpw = pw.parent / "ircpass"
        ircpw.write_text(irc_password + "\n")
        channel = "#" + unique("all")
        conf = f"""[bot]
name = {bot_name}
state = state.db
log_level = debug
[console]
enabled = yes
[irc.libera]
host = 127.0.0.1
port = {servers["INSPIRCD_PORT"]}
tls = no
channels = {channel}
flood_interval = 0s
nick = {bot_name}
sasl = plain
account = {bot_name}
password_file = {ircpw}
[matrix.mx]
homeserver = {url}
user_id = @{bot_name}:localhost
password_file = {pw}
invite_from = localhost
"""
        bot = make_bot(conf)
        bot.start(console=True)
        bot.wait_log(f"joined {channel}")
        bot.wait_log("first sync")
        # IRC: a member with an account.
        alice = unique("alice")
        register_account(servers["INSPIRCD_PORT"], alice, "pw")
        a = Client(servers["INSPIRCD_PORT"], alice, account=alice, password="pw")
        a.say(bot_name, "optin")
        a.wait_text(bot_name, "you're in")
        a.say(bot_name, "know glassblowing")
        a.wait_text(bot_name, "added")
        # Matrix: a requester.
        mx.register(url, secret, "bob" + bot_name, "pw")
        bob = mx.login(url, "bob" + bot_name, "pw")
        bob.sync()
        bob.clear()
        room = dm(bob, f"@{bot_name}:localhost")
        bob.send_text(room, "ask glassblowing")
        _, reply = bob.wait_message(f"@{bot_name}:localhost", "1 member", room_id=room)
        n = int(re.search(r"#(\d+)", reply).group(1))
        a.wait_text(bot_name, f"accept {n}")
        a.say(bot_name, f"accept {n}")
        bob.wait_message(f"@{bot_name}:localhost", f"meet {alice}", room_id=room)
        # The console, in the same process and state file.
        bot.send_console("admin: admin stats")
        bot.wait_console("Introductions: 1")
        bot.send_console("carol: topics")
        bot.wait_console("glassblowing (1)")
        bot.wait_log(f"logged in to services as {bot_name}")
        # Secrets: the passwords, the homeserver's access token and the registration secret
        # appear nowhere in the log of the whole run, nor on the console.
        token = sqlite3.connect(str(bot.dir / "state.db")).execute(
            "SELECT value FROM network_state WHERE key = 'access_token'").fetchone()[0]
        assert len(token) > 10
        assert bot.stop() == 0
        text = bot.log_text() + bot.out_path.read_text(errors="replace")
        sasl_payload = base64.b64encode(f"{bot_name}\0{bot_name}\0{irc_password}".encode()).decode()
        for secret_value in [matrix_password, irc_password, token, secret, sasl_payload]:
            assert secret_value not in text, "a secret reached the log"
    finally:
        subprocess.run([str(SYNAPSE), "stop", env["DIR"]], check=False, capture_output=True)
