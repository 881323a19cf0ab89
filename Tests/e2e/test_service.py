"""Liaison as a service (issue 14 §4): the systemd unit, sd_notify READY=1 and watchdog pings
on a NOTIFY_SOCKET the test plays itself, /metrics checked by promtool, /healthz and
/readyz around a network coming up and going down, and JSON log lines without secrets."""
import base64
import json
import os
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import BINARY, ROOT, Bot, base_conf, unique
from ircclient import register_account

UNIT = ROOT / "contrib" / "liaison.service"


def promtool():
    found = os.environ.get("PROMTOOL") or shutil.which("promtool")
    if not found and (ROOT / ".build" / "tools" / "usr" / "bin" / "promtool").exists():
        found = str(ROOT / ".build" / "tools" / "usr" / "bin" / "promtool")
    assert found, "promtool is needed (scripts/test puts Debian's in .build/tools)"
    return found


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path):
    """(status, body) of GET http://127.0.0.1:PORT/PATH."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def wait_for(predicate, timeout=20, what="condition"):
    start = time.time()
    while time.time() - start < timeout:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise TimeoutError(f"no {what} within {timeout}s")


def series(text, name, **labels):
    """The value of one sample in a Prometheus text scrape, or None."""
    want = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = re.escape(name) + (r"\{" + re.escape(want) + r"\}" if labels else "") + r" (\S+)$"
    for line in text.splitlines():
        m = re.match(pattern, line)
        if m:
            return float(m.group(1))
    return None


class FakeSystemd:
    """The NOTIFY_SOCKET end of sd_notify: a datagram socket, by path or abstract name."""

    def __init__(self, tmp_path, abstract):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        if abstract:
            name = f"liaison-test-{os.getpid()}-{unique('n')}"
            self.sock.bind("\0" + name)
            self.address = "@" + name
        else:
            self.address = str(tmp_path / "notify.sock")
            self.sock.bind(self.address)
        self.messages = []  # (time, {KEY: VALUE})
        self.lock = threading.Lock()
        self.sock.settimeout(0.2)
        self.running = True
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        while self.running:
            try:
                data = self.sock.recv(4096)
            except (socket.timeout, OSError):
                continue
            fields = dict(line.split("=", 1) for line in data.decode().split("\n") if "=" in line)
            with self.lock:
                self.messages.append((time.time(), fields))

    def times(self, key):
        with self.lock:
            return [t for t, f in self.messages if key in f]

    def close(self):
        self.running = False
        self.thread.join()
        self.sock.close()


class GatedProxy:
    """A TCP proxy to an IRC server that holds the bot's connection until `open()`, and can
    drop it (`drop()`): the test decides when the network is up."""

    def __init__(self, upstream_port):
        self.upstream_port = upstream_port
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(8)
        self.port = self.server.getsockname()[1]
        self.gate = threading.Event()
        self.sockets = []
        self.accepted = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            self.accepted += 1
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client):
        self.gate.wait()
        upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
        self.sockets += [client, upstream]

        def pipe(a, b):
            try:
                while data := a.recv(65536):
                    b.sendall(data)
            except OSError:
                pass
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
        pipe(upstream, client)

    def open(self):
        self.gate.set()

    def drop(self):
        for s in list(self.sockets):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.sockets = []

    def close(self):
        self.gate.set()
        self.drop()
        self.server.close()


def start(bot, env=None, console=False):
    """Bot.start with extra environment variables."""
    bot.log = open(bot.log_path, "a")
    bot.out_path = bot.dir / "console.out"
    out = open(bot.out_path, "a") if console else bot.log
    bot.proc = subprocess.Popen([str(BINARY), "--config", "bot.conf"], cwd=bot.dir,
                                stdin=subprocess.PIPE if console else subprocess.DEVNULL,
                                stdout=out, stderr=bot.log, env={**os.environ, **(env or {})})
    return bot


# --- The unit file ---------------------------------------------------------------------

def verify(unit_text, tmp_path):
    """systemd-analyze verify's complaints about a unit (it exits 0 on many of them)."""
    path = tmp_path / "liaison.service"
    path.write_text(unit_text.replace("/usr/bin/liaison", str(BINARY)))
    r = subprocess.run(["systemd-analyze", "verify", str(path)], capture_output=True, text=True)
    return r.returncode, (r.stdout + r.stderr).strip()


def test_the_unit_file_verifies_and_keeps_the_service_contract(tmp_path):
    text = UNIT.read_text()
    rc, complaints = verify(text, tmp_path)
    assert rc == 0 and complaints == "", complaints
    # The check can fail: a typo is reported.
    rc, complaints = verify(text.replace("Type=notify", "Type=notifyy"), tmp_path)
    assert "notifyy" in complaints
    keys = {}
    for line in text.splitlines():
        if "=" in line and not line.startswith("#"):
            k, v = line.split("=", 1)
            keys.setdefault(k, []).append(v)
    assert keys["Type"] == ["notify"]
    assert keys["Restart"] == ["on-failure"]
    assert keys["RestartPreventExitStatus"] == ["2"], "a bad bot.conf (exit 2) must not loop"
    assert keys["StateDirectory"] == ["liaison"]
    assert keys["ProtectSystem"] == ["strict"]
    assert keys["NoNewPrivileges"] == ["yes"]
    assert keys["User"] == ["liaison"]
    assert "WatchdogSec" in keys
    assert keys["ExecStart"][0].startswith("/usr/bin/liaison run --config /etc/liaison/bot.conf")


def test_the_sample_service_config_passes_check_config():
    r = subprocess.run([str(BINARY), "check-config", str(ROOT / "contrib" / "bot.conf")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "state = /var/lib/liaison/liaison.db" in r.stdout
    assert "log_format = json" in r.stdout


# --- Metrics ---------------------------------------------------------------------------

def test_the_scrape_parses_with_promtool_and_counts_the_lifecycle(tmp_path):
    port = free_port()
    bot = start(Bot(f"""[bot]
state = state.db
log_level = warning

[console]
enabled = yes

[metrics]
listen = 127.0.0.1:{port}
"""), console=True)
    try:
        wait_for(lambda: get_or_none(port, "/healthz"), what="/healthz")
        before = get(port, "/metrics")[1]
        for name in ("liaison_requests_total", "liaison_offers_total", "liaison_acceptances_total",
                     "liaison_introductions_total", "liaison_thanks_total"):
            assert series(before, name) == 0, f"{name} is there from the start, at 0"
        assert series(before, "liaison_outbox_depth", network="console") == 0
        for line in ["alice: optin", "alice: expertise add tax law", "bob #general: who knows about tax law?",
                     "alice: accept 1", "bob: thanks 1"]:
            bot.send_console(line)
        bot.wait_console("-> alice: ")
        bot.wait_console("Thanks passed on")
        text = get(port, "/metrics")[1]
        check = subprocess.run([promtool(), "check", "metrics"], input=text, capture_output=True, text=True)
        assert check.returncode == 0 and check.stdout.strip() == "" and check.stderr.strip() == "", \
            f"promtool: {check.stdout}{check.stderr}\n{text}"
        assert series(text, "liaison_requests_total") == 1
        assert series(text, "liaison_offers_total") == 1
        assert series(text, "liaison_acceptances_total") == 1
        assert series(text, "liaison_introductions_total") == 1
        assert series(text, "liaison_thanks_total") == 1
        assert series(text, "liaison_commit_latency_seconds_count") >= 5
        assert series(text, "liaison_delivery_latency_seconds_count", network="console") >= 5
        assert series(text, "liaison_outbox_depth", network="console") == 0
        assert "# TYPE liaison_delivery_latency_seconds histogram" in text
        assert "# HELP liaison_offers_total " in text
        # The check can fail: promtool refuses a broken scrape.
        broken = subprocess.run([promtool(), "check", "metrics"], input=text.replace("# TYPE liaison_offers_total counter", "# TYPE liaison_offers_total countr"),
                                capture_output=True, text=True)
        assert broken.returncode != 0
        assert get(port, "/readyz")[0] == 200, "the console alone is ready once the state file is open"
        assert get(port, "/nothing")[0] == 404
    finally:
        bot.proc.stdin.close()
        bot.proc.wait(10)
    assert bot.proc.returncode == 0


def get_or_none(port, path):
    try:
        return get(port, path)[0] == 200
    except OSError:
        return False


def test_a_port_in_use_is_one_clear_error(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        bot = Bot(f"[bot]\nstate = state.db\n\n[console]\nenabled = yes\n\n[metrics]\nlisten = 127.0.0.1:{port}\n")
        r = subprocess.run([str(BINARY), "--config", "bot.conf"], cwd=bot.dir, input="", capture_output=True, text=True, timeout=20)
    assert r.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in r.stderr


def test_a_bad_metrics_address_exits_2_naming_the_line():
    bot = Bot("[bot]\nstate = state.db\n\n[metrics]\nlisten = everywhere\n")
    r = subprocess.run([str(BINARY), "--config", "bot.conf"], cwd=bot.dir, input="", capture_output=True, text=True, timeout=20)
    assert r.returncode == 2
    assert "bot.conf:5: listen: expected HOST:PORT" in r.stderr


# --- Readiness and sd_notify around a real IRC network --------------------------------

@pytest.mark.parametrize("abstract", [False, True], ids=["path-socket", "abstract-socket"])
def test_readyz_and_ready_1_wait_for_the_network_and_the_watchdog_pings(servers, make_bot, tmp_path, abstract):
    proxy = GatedProxy(servers["NGIRCD_PORT"])
    systemd = FakeSystemd(tmp_path, abstract)
    port = free_port()
    nick = unique("sbot")
    conf = base_conf() + f"""
[irc.test]
host = 127.0.0.1
port = {proxy.port}
tls = no
nick = {nick}
identity = nick
channels = #{unique('svc')}

[metrics]
listen = 127.0.0.1:{port}
"""
    bot = make_bot(conf)
    start(bot, env={"NOTIFY_SOCKET": systemd.address, "WATCHDOG_USEC": "600000"})
    try:
        wait_for(lambda: get_or_none(port, "/healthz") or None, what="/healthz")
        wait_for(lambda: proxy.accepted >= 1, what="a connection to the proxy")
        time.sleep(1.5)
        # Connected at TCP level but not registered: neither ready nor started.
        status, body = get(port, "/readyz")
        assert status == 503, body
        assert "test" in body
        assert get(port, "/healthz")[0] == 200
        assert systemd.times("READY") == [], "READY=1 before any network was up"
        pings = systemd.times("WATCHDOG")
        assert len(pings) >= 3, f"WATCHDOG=1 every 0.3 s (half of WATCHDOG_USEC), got {len(pings)} in 1.5 s"
        assert max(b - a for a, b in zip(pings, pings[1:])) < 0.6, "a ping gap as long as WATCHDOG_USEC"
        metrics = get(port, "/metrics")[1]
        assert series(metrics, "liaison_network_connected", network="test") == 0

        opened = time.time()
        proxy.open()
        ready = wait_for(lambda: systemd.times("READY"), what="READY=1")
        assert ready[0] >= opened
        assert len(ready) == 1
        wait_for(lambda: get(port, "/readyz")[0] == 200, what="/readyz 200")
        assert "connected: test" in get(port, "/readyz")[1]
        metrics = get(port, "/metrics")[1]
        assert series(metrics, "liaison_network_connected", network="test") == 1
        assert series(metrics, "liaison_network_reconnects_total", network="test") == 0

        # The network goes away: not ready; it comes back: ready again, one reconnect.
        proxy.drop()
        wait_for(lambda: get(port, "/readyz")[0] == 503, what="/readyz 503 after the drop")
        wait_for(lambda: get(port, "/readyz")[0] == 200, timeout=30, what="/readyz 200 after the reconnect")
        assert series(get(port, "/metrics")[1], "liaison_network_reconnects_total", network="test") == 1
        assert len(systemd.times("READY")) == 1, "READY=1 is sent once"
    finally:
        code = bot.stop()
        proxy.close()
    assert code == 0
    assert systemd.times("STOPPING"), "STOPPING=1 on SIGTERM"
    systemd.close()


def test_watchdog_pid_of_another_process_turns_the_pings_off(tmp_path):
    systemd = FakeSystemd(tmp_path, abstract=True)
    bot = start(Bot("[bot]\nstate = state.db\n\n[console]\nenabled = yes\n"), console=True,
                env={"NOTIFY_SOCKET": systemd.address, "WATCHDOG_USEC": "200000", "WATCHDOG_PID": "1"})
    try:
        wait_for(lambda: systemd.times("READY"), what="READY=1 (the console alone)")
        time.sleep(0.8)
        assert systemd.times("WATCHDOG") == []
    finally:
        bot.proc.stdin.close()
        bot.proc.wait(10)
        systemd.close()


# --- JSON logs -------------------------------------------------------------------------

def test_json_logs_are_one_object_per_line_and_carry_no_secret(servers, make_bot):
    port = servers["INSPIRCD_PORT"]
    nick = unique("jbot")
    secret = "s3cret-" + unique("pw")
    register_account(port, nick, secret)
    channel = "#" + unique("json")
    conf = base_conf().replace("log_level = info", "log_level = trace\nlog_format = json") + f"""
[irc.test]
host = 127.0.0.1
port = {port}
tls = no
nick = {nick}
account = {nick}
password_env = LIAISON_TEST_IRC_PASSWORD
channels = {channel}
"""
    bot = make_bot(conf)
    start(bot, env={"LIAISON_TEST_IRC_PASSWORD": secret})
    bot.wait_log(f"logged in to services as {nick}")
    bot.wait_log(f"joined {channel}")
    code = bot.stop()
    assert code == 0
    text = bot.log_text()
    lines = [line for line in text.split("\n") if line]
    assert len(lines) >= 4
    for line in lines:
        obj = json.loads(line)  # every line is one object
        assert {"time", "level", "label", "message"} <= obj.keys(), line
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", obj["time"])
    messages = [json.loads(line)["message"] for line in lines]
    assert any(f"logged in to services as {nick}" in m for m in messages)
    blob = base64.b64encode(f"{nick}\0{nick}\0{secret}".encode()).decode()
    for leak in (secret, blob, blob[:20]):
        assert leak not in text, "a secret reached the log"
