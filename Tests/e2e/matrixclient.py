"""A small blocking Matrix client (client-server API v3) for Liaison's end-to-end tests.

Standard library only (urllib + json), so the tests need nothing beyond pytest. It drives
test users against the Synapse that scripts/matrix/synapse.sh starts:

    alice = login(env["SYNAPSE_URL"], "alice", "pw")
    room = alice.create_room(name="t", invite=["@liaison:localhost"])
    alice.send_text(room, "liaison: hello")
    room_id, body = alice.wait_message("@liaison:localhost", "hello", room_id=room)

Events are queued as /sync delivers them and each is handed out once: wait_message and
wait_invite first look at what earlier syncs (including earlier waits) queued, then sync on.
Every request that gets 429 M_LIMIT_EXCEEDED sleeps retry_after_ms (or Retry-After) and
tries again, up to `max_retries` times; `rate_limited` counts those sleeps.
"""
import hashlib
import hmac
import itertools
import json
import time
import urllib.error
import urllib.parse
import urllib.request

_txn = itertools.count(1)


class MatrixError(Exception):
    """A non-2xx answer: status, errcode (e.g. M_FORBIDDEN), error text, the parsed body,
    and the response headers."""

    def __init__(self, status, body, headers=None):
        self.status = status
        self.body = body if isinstance(body, dict) else {"raw": body}
        self.errcode = self.body.get("errcode")
        self.error = self.body.get("error")
        self.headers = headers or {}
        super().__init__(f"HTTP {status} {self.errcode}: {self.error or body}")


def q(s):
    """Quote a path segment (room IDs have '!' and ':', aliases '#', user IDs '@')."""
    return urllib.parse.quote(s, safe="")


def _http(method, url, body=None, token=None, timeout=30.0):
    """One request; returns (status, parsed JSON body, headers) or raises MatrixError."""
    data = None if body is None else json.dumps(body).encode()
    headers = {"Accept": "application/json"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            raw = r.read()
            return r.status, (json.loads(raw) if raw else {}), dict(r.headers)
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = raw.decode(errors="replace")
        raise MatrixError(e.code, parsed, dict(e.headers)) from None


def _retry_delay(err):
    """Seconds to wait after a 429: retry_after_ms, else Retry-After, else 1 s."""
    ms = err.body.get("retry_after_ms")
    if isinstance(ms, (int, float)):
        return ms / 1000.0
    ra = {k.lower(): v for k, v in err.headers.items()}.get("retry-after")
    try:
        return float(ra)
    except (TypeError, ValueError):
        return 1.0


def register(url, shared_secret, user, password, admin=False):
    """Registers USER through Synapse's shared-secret admin API; returns the user ID."""
    endpoint = url.rstrip("/") + "/_synapse/admin/v1/register"
    _, nonce_body, _ = _http("GET", endpoint)
    nonce = nonce_body["nonce"]
    message = "\x00".join([nonce, user, password, "admin" if admin else "notadmin"])
    mac = hmac.new(shared_secret.encode(), message.encode(), hashlib.sha1).hexdigest()
    _, body, _ = _http("POST", endpoint, {"nonce": nonce, "username": user, "password": password,
                                          "admin": admin, "mac": mac})
    return body["user_id"]


def login(url, user, password, device_id=None, max_retries=20):
    """Password login (user: localpart or full user ID); returns a Client."""
    body = {"type": "m.login.password", "identifier": {"type": "m.id.user", "user": user},
            "password": password, "initial_device_display_name": "liaison-e2e"}
    if device_id:
        body["device_id"] = device_id
    c = Client(url, None, None, None, max_retries=max_retries)
    resp = c.request("POST", "/login", body)
    c.access_token = resp["access_token"]
    c.user_id = resp["user_id"]
    c.device_id = resp["device_id"]
    return c


class Client:
    def __init__(self, url, access_token, user_id, device_id, max_retries=20):
        self.url = url.rstrip("/")
        self.access_token = access_token
        self.user_id = user_id
        self.device_id = device_id
        self.max_retries = max_retries
        self.rate_limited = 0         # 429 answers slept through so far
        self.next_batch = None        # sync token; None until the first sync
        self.last_sync = None         # the last /sync response body
        self.last_event = None        # the event wait_message returned last
        self._queue = []              # [(room_id, event)] from joined rooms' timelines, unread
        self._invites = []            # [(room_id, invite_state_events)], unread
        self._seen_events = set()
        self._seen_invites = set()

    def __repr__(self):
        return f"<Client {self.user_id} {self.url}>"

    # -- plumbing ---------------------------------------------------------------------------

    def request(self, method, path, body=None, query=None, timeout=30.0, prefix="/_matrix/client/v3"):
        url = self.url + prefix + path
        if query:
            url += "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
        tries = 0
        while True:
            try:
                return _http(method, url, body, self.access_token, timeout)[1]
            except MatrixError as e:
                if e.status == 429 and e.errcode == "M_LIMIT_EXCEEDED" and tries < self.max_retries:
                    tries += 1
                    self.rate_limited += 1
                    time.sleep(_retry_delay(e) + 0.01)
                    continue
                raise

    # -- rooms ------------------------------------------------------------------------------

    def create_room(self, name=None, invite=(), is_direct=False, preset=None, alias=None,
                    topic=None, visibility=None, extra=None, mark_direct=True):
        """POST /createRoom; returns the room ID. preset defaults to trusted_private_chat for
        direct rooms (as Element does) and private_chat otherwise. alias is the localpart
        (room_alias_name). With is_direct and mark_direct, the creator's m.direct account
        data also lists the room under each invitee, as real clients do."""
        body = {"preset": preset or ("trusted_private_chat" if is_direct else "private_chat")}
        if name is not None:
            body["name"] = name
        if topic is not None:
            body["topic"] = topic
        if invite:
            body["invite"] = list(invite)
        if is_direct:
            body["is_direct"] = True
        if alias is not None:
            body["room_alias_name"] = alias
        if visibility is not None:
            body["visibility"] = visibility
        if extra:
            body.update(extra)
        room_id = self.request("POST", "/createRoom", body)["room_id"]
        if is_direct and mark_direct and invite:
            direct = self.account_data("m.direct") or {}
            for user in invite:
                rooms = direct.setdefault(user, [])
                if room_id not in rooms:
                    rooms.append(room_id)
            self.set_account_data("m.direct", direct)
        return room_id

    def join(self, room_id_or_alias):
        """POST /join/{roomIdOrAlias}; returns the room ID."""
        return self.request("POST", f"/join/{q(room_id_or_alias)}", {})["room_id"]

    def leave(self, room_id):
        self.request("POST", f"/rooms/{q(room_id)}/leave", {})

    def invite(self, room_id, user_id):
        self.request("POST", f"/rooms/{q(room_id)}/invite", {"user_id": user_id})

    def kick(self, room_id, user_id, reason=None):
        body = {"user_id": user_id}
        if reason:
            body["reason"] = reason
        self.request("POST", f"/rooms/{q(room_id)}/kick", body)

    def joined_rooms(self):
        return self.request("GET", "/joined_rooms")["joined_rooms"]

    def room_members(self, room_id):
        """{user_id: {"display_name": ..., "avatar_url": ...}} of the joined members."""
        return self.request("GET", f"/rooms/{q(room_id)}/joined_members")["joined"]

    def room_state(self, room_id):
        """The room's current state: a list of state events."""
        return self.request("GET", f"/rooms/{q(room_id)}/state")

    def state_event(self, room_id, event_type, state_key=""):
        """The content of one state event, or None when there is none."""
        try:
            return self.request("GET", f"/rooms/{q(room_id)}/state/{q(event_type)}/{q(state_key)}")
        except MatrixError as e:
            if e.status == 404:
                return None
            raise

    def set_state(self, room_id, event_type, content, state_key=""):
        return self.request("PUT", f"/rooms/{q(room_id)}/state/{q(event_type)}/{q(state_key)}",
                            content)["event_id"]

    def messages(self, room_id, limit=20, direction="b"):
        """The room's latest timeline events (newest first for direction b)."""
        return self.request("GET", f"/rooms/{q(room_id)}/messages",
                            query={"dir": direction, "limit": limit})["chunk"]

    # -- messages ---------------------------------------------------------------------------

    def send_event(self, room_id, event_type, content):
        """PUT /rooms/{roomId}/send/{type}/{txnId}; returns the event ID."""
        txn = f"e2e{time.time_ns()}.{next(_txn)}"
        return self.request("PUT", f"/rooms/{q(room_id)}/send/{q(event_type)}/{txn}",
                            content)["event_id"]

    def send_text(self, room_id, body, mentions=None, msgtype="m.text"):
        """Sends an m.room.message; mentions: a list of user IDs (m.mentions.user_ids), or
        a full m.mentions dict. Returns the event ID."""
        content = {"msgtype": msgtype, "body": body}
        if mentions is not None:
            content["m.mentions"] = mentions if isinstance(mentions, dict) else {"user_ids": list(mentions)}
        return self.send_event(room_id, "m.room.message", content)

    def send_notice(self, room_id, body):
        return self.send_text(room_id, body, msgtype="m.notice")

    def edit(self, room_id, event_id, new_body):
        """Replaces a message (m.replace); returns the edit's event ID."""
        content = {
            "msgtype": "m.text",
            "body": f"* {new_body}",
            "m.new_content": {"msgtype": "m.text", "body": new_body},
            "m.relates_to": {"rel_type": "m.replace", "event_id": event_id},
        }
        return self.send_event(room_id, "m.room.message", content)

    def redact(self, room_id, event_id, reason=None):
        """PUT /rooms/{roomId}/redact/{eventId}/{txnId}; returns the redaction's event ID."""
        txn = f"r{time.time_ns()}.{next(_txn)}"
        body = {"reason": reason} if reason else {}
        return self.request("PUT", f"/rooms/{q(room_id)}/redact/{q(event_id)}/{txn}", body)["event_id"]

    # -- account ----------------------------------------------------------------------------

    def whoami(self):
        return self.request("GET", "/account/whoami")

    def account_data(self, event_type):
        """GET /user/{userId}/account_data/{type}: the content, or None when unset."""
        try:
            return self.request("GET", f"/user/{q(self.user_id)}/account_data/{q(event_type)}")
        except MatrixError as e:
            if e.status == 404:
                return None
            raise

    def set_account_data(self, event_type, content):
        self.request("PUT", f"/user/{q(self.user_id)}/account_data/{q(event_type)}", content)

    def set_display_name(self, name):
        self.request("PUT", f"/profile/{q(self.user_id)}/displayname", {"displayname": name})

    def logout(self):
        self.request("POST", "/logout", {})

    # -- sync -------------------------------------------------------------------------------

    def sync(self, timeout_ms=0, full_state=False):
        """One /sync from next_batch (the first one has no since); queues new timeline
        events of joined rooms and new invites. Returns the response body."""
        query = {"timeout": int(timeout_ms), "since": self.next_batch}
        if full_state:
            query["full_state"] = "true"
        resp = self.request("GET", "/sync", query=query, timeout=timeout_ms / 1000.0 + 30)
        self.next_batch = resp["next_batch"]
        self.last_sync = resp
        rooms = resp.get("rooms", {})
        for room_id, room in rooms.get("join", {}).items():
            for ev in room.get("timeline", {}).get("events", []):
                eid = ev.get("event_id")
                if eid and eid not in self._seen_events:
                    self._seen_events.add(eid)
                    self._queue.append((room_id, ev))
        for room_id, room in rooms.get("invite", {}).items():
            if room_id not in self._seen_invites:
                self._seen_invites.add(room_id)
                self._invites.append((room_id, room.get("invite_state", {}).get("events", [])))
        for room_id in rooms.get("leave", {}):
            # A later invite to a room we left is news again.
            self._seen_invites.discard(room_id)
        return resp

    def clear(self):
        """Forgets queued events and invites (e.g. history from the first sync)."""
        self._queue.clear()
        self._invites.clear()

    def pending(self):
        """Queued, not yet returned timeline events: [(room_id, event)]."""
        return list(self._queue)

    def _sender_matches(self, want, sender):
        if want is None:
            return True
        if want.startswith("@"):
            return sender == want
        return sender.split(":", 1)[0] == "@" + want

    def wait_event(self, match, timeout=20):
        """Syncs until a queued timeline event satisfies match(room_id, event); removes
        and returns (room_id, event)."""
        deadline = time.monotonic() + timeout
        while True:
            for i, (room_id, ev) in enumerate(self._queue):
                if match(room_id, ev):
                    del self._queue[i]
                    self.last_event = ev
                    return room_id, ev
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{self.user_id}: no matching event within {timeout}s")
            self.sync(timeout_ms=max(0, min(left, 5.0)) * 1000)

    def wait_message(self, sender, contains, room_id=None, timeout=20):
        """Syncs until an m.room.message from sender (full user ID, or localpart) whose body
        contains `contains` (None: any) arrives, in room_id if given; returns (room_id, body).
        The full event is in self.last_event."""
        def match(rid, ev):
            if ev.get("type") != "m.room.message" or (room_id and rid != room_id):
                return False
            if not self._sender_matches(sender, ev.get("sender", "")):
                return False
            body = ev.get("content", {}).get("body")
            return isinstance(body, str) and (contains is None or contains in body)
        try:
            rid, ev = self.wait_event(match, timeout)
        except TimeoutError:
            seen = [(r, e.get("sender"), e.get("content", {}).get("body"))
                    for r, e in self._queue if e.get("type") == "m.room.message"]
            raise TimeoutError(f"{self.user_id}: no message from {sender} containing {contains!r}"
                               f" within {timeout}s; unread messages: {seen}") from None
        return rid, ev["content"]["body"]

    def wait_invite(self, timeout=20):
        """Syncs until an invite arrives (rooms.invite); returns its room ID. The stripped
        invite state events are in self.last_invite_state."""
        deadline = time.monotonic() + timeout
        while True:
            if self._invites:
                room_id, state = self._invites.pop(0)
                self.last_invite_state = state
                return room_id
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{self.user_id}: no invite within {timeout}s")
            self.sync(timeout_ms=max(0, min(left, 5.0)) * 1000)


class Proxy:
    """A loopback HTTP proxy in front of a homeserver, for tests of a slow or stalling
    network. Every request is forwarded at once, so the homeserver does the work; the answer
    to a request that matches a rule is held back before it is passed on (a client that gave
    up by then never gets it), as with an invite to a slow federated server:

        proxy = Proxy(env["SYNAPSE_URL"])
        proxy.hold("POST", "/createRoom", 45, body_contains="@slow:localhost")
        ...
        proxy.count("POST", "/createRoom", body_contains="@slow:localhost")
        proxy.close()

    `seen` lists (method, path, body) of every request forwarded."""

    def __init__(self, upstream):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.upstream = upstream.rstrip("/")
        self.lock = threading.Lock()
        self.rules = []   # [method, path_contains, body_contains, seconds, times_left]
        self.seen = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def relay(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                text = (body or b"").decode(errors="replace")
                with proxy.lock:
                    proxy.seen.append((self.command, self.path, text))
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() in ("authorization", "content-type", "accept")}
                req = urllib.request.Request(proxy.upstream + self.path, data=body, method=self.command, headers=headers)
                try:
                    with urllib.request.urlopen(req, timeout=120) as r:
                        status, raw, ctype = r.status, r.read(), r.headers.get("Content-Type", "application/json")
                except urllib.error.HTTPError as e:
                    status, raw, ctype = e.code, e.read(), e.headers.get("Content-Type", "application/json")
                delay = proxy._delay(self.command, self.path, text)
                if delay:
                    time.sleep(delay)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                except OSError:
                    pass  # the client gave up waiting

            do_GET = do_POST = do_PUT = do_DELETE = relay

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def hold(self, method, path_contains, seconds, body_contains=None, times=None):
        """Holds the answers to matching requests for `seconds` (the first `times` of them)."""
        with self.lock:
            self.rules.append([method, path_contains, body_contains, seconds, times])

    def clear(self):
        with self.lock:
            self.rules.clear()

    def _delay(self, method, path, body):
        with self.lock:
            for rule in self.rules:
                m, p, b, seconds, times = rule
                if m == method and p in path and (b is None or b in body) and (times is None or times > 0):
                    if times is not None:
                        rule[4] = times - 1
                    return seconds
        return 0

    def count(self, method, path_contains, body_contains=None):
        with self.lock:
            return sum(1 for m, p, b in self.seen
                       if m == method and path_contains in p and (body_contains is None or body_contains in b))

    def close(self):
        self.server.shutdown()
        self.server.server_close()
