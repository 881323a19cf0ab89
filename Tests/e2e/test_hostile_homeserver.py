"""A broken Matrix homeserver (issue 6, item 4): 500s, malformed JSON and storms of 429s,
on login, sync and send. No real homeserver does this on purpose, so this one is scripted.
The bot must log each, back off, recover, and answer a DM exactly once."""
import json
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse, parse_qs

from conftest import base_conf

BOT = "@bot:fake"
ALICE = "@alice:fake"
ROOM = "!dm:fake"


class Script:
    """Per endpoint, the failures to give before answering properly."""

    def __init__(self):
        self.lock = threading.Lock()
        self.plan = {
            "login": ["500", "garbage", "429", "429", "429"],
            "sync": ["500", "garbage", "truncated", "429"] + ["429"] * 12 + ["500"],
            "send": ["500", "429", "garbage"],
        }
        self.calls = {}
        self.sent = []          # (txn, body) of successful sends
        self.syncs_ok = 0

    def next_failure(self, endpoint):
        with self.lock:
            self.calls[endpoint] = self.calls.get(endpoint, 0) + 1
            steps = self.plan.get(endpoint, [])
            return steps.pop(0) if steps else None


def make_handler(script):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def reply(self, code, body):
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def fail(self, kind):
            if kind == "500":
                self.reply(500, {"errcode": "M_UNKNOWN", "error": "Internal server error"})
            elif kind == "429":
                self.reply(429, {"errcode": "M_LIMIT_EXCEEDED", "error": "Too many requests", "retry_after_ms": 50})
            elif kind == "garbage":
                self.reply(200, b"<html>not json at all")
            elif kind == "truncated":
                self.reply(200, b'{"next_batch": "s9", "rooms": {"join": {')

        def handle_any(self, method):
            path = urlparse(self.path).path
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if path.endswith("/versions"):
                return self.reply(200, {"versions": ["v1.11"]})
            if path.endswith("/login"):
                if method == "GET":
                    return self.reply(200, {"flows": [{"type": "m.login.password"}]})
                failure = script.next_failure("login")
                if failure:
                    return self.fail(failure)
                return self.reply(200, {"access_token": "tok", "device_id": "DEV", "user_id": BOT})
            if path.endswith("/account/whoami"):
                return self.reply(200, {"user_id": BOT, "device_id": "DEV"})
            if path.endswith("/joined_rooms"):
                return self.reply(200, {"joined_rooms": [ROOM]})
            if "/account_data/" in path:
                return self.reply(200, {ALICE: [ROOM]}) if method == "GET" else self.reply(200, {})
            if path.endswith("/sync"):
                failure = script.next_failure("sync")
                if failure:
                    return self.fail(failure)
                since = parse_qs(urlparse(self.path).query).get("since", [None])[0]
                script.syncs_ok += 1
                direct = {"events": [{"type": "m.direct", "content": {ALICE: [ROOM]}}]}
                if since is None:
                    # The DM's members, as a real first sync brings them: private replies
                    # go only to a room of exactly the person and the bot.
                    members = [{"type": "m.room.member", "state_key": who, "sender": who, "event_id": f"$join{who}",
                                "content": {"membership": "join"}} for who in (ALICE, BOT)]
                    return self.reply(200, {"next_batch": "s1", "account_data": direct,
                                            "rooms": {"join": {ROOM: {"state": {"events": members},
                                                                      "timeline": {"events": []}}}}})
                if since == "s1":
                    event = {"type": "m.room.message", "sender": ALICE, "event_id": "$help1",
                             "origin_server_ts": int(time.time() * 1000), "content": {"msgtype": "m.text", "body": "help"}}
                    return self.reply(200, {"next_batch": "s2", "rooms": {"join": {ROOM: {"timeline": {"events": [event]}}}}})
                time.sleep(0.5)
                return self.reply(200, {"next_batch": since, "rooms": {}})
            if "/send/m.room.message/" in path:
                failure = script.next_failure("send")
                if failure:
                    return self.fail(failure)
                txn = path.rsplit("/", 1)[1]
                with script.lock:
                    script.sent.append((txn, json.loads(body or b"{}")))
                return self.reply(200, {"event_id": "$sent" + txn})
            if "/state/" in path or "/join" in path:
                return self.reply(200, {"room_id": ROOM})
            return self.reply(404, {"errcode": "M_UNRECOGNIZED", "error": "Unrecognized request"})

        def do_GET(self):
            self.handle_any("GET")

        def do_POST(self):
            self.handle_any("POST")

        def do_PUT(self):
            self.handle_any("PUT")

    return Handler


def test_500s_malformed_json_and_429_storms_are_survived(make_bot):
    script = Script()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(script))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        pw = Path(tempfile.mkdtemp(prefix="liaison-pw-")) / "pass"
        pw.write_text("hunter2-fake\n")
        conf = base_conf() + f"""
[matrix.mx]
homeserver = http://127.0.0.1:{server.server_address[1]}
user_id = {BOT}
password_file = {pw}
"""
        bot = make_bot(conf).start()
        deadline = time.time() + 60
        while time.time() < deadline and not any("Commands" in b.get("body", "") for _, b in script.sent):
            assert bot.proc.poll() is None, "the bot is still running"
            time.sleep(0.2)
        replies = [(txn, b) for txn, b in script.sent if "Commands" in b.get("body", "")]
        assert len(replies) == 1, f"one reply to the DM ({len(replies)})"
        time.sleep(2)
        assert len([1 for _, b in script.sent if "Commands" in b.get("body", "")]) == 1, "and only one"
        assert not script.plan["sync"] and not script.plan["login"] and not script.plan["send"], "every failure was met"
        log = bot.log_text()
        assert "429" in log or "rate limited" in log
        assert "500" in log
        assert "hunter2-fake" not in log, "the password never reaches the log"
        assert bot.proc.poll() is None
    finally:
        server.shutdown()
