"""Fixtures for Liaison's end-to-end tests against real IRC servers on loopback:
InspIRCd + Atheme (accounts, SASL, IRCv3) and ngIRCd (no services), started by
scripts/irc/servers.sh on free ports, and the built `liaison` executable."""
import itertools
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVERS = ROOT / "scripts" / "irc" / "servers.sh"
BINARY = Path(os.environ.get("LIAISON_BIN", ROOT / ".build" / "debug" / "liaison"))
_counter = itertools.count(1)


def unique(prefix):
    """A name no other test uses (accounts outlive tests in Atheme's database)."""
    return f"{prefix}{os.getpid() % 1000}x{next(_counter)}"


@pytest.fixture(scope="session")
def servers():
    workdir = Path(tempfile.mkdtemp(prefix="liaison-irc-"))
    subprocess.run([str(SERVERS), "start", str(workdir)], check=True)
    env = {}
    for line in (workdir / "env").read_text().splitlines():
        key, _, value = line.partition("=")
        env[key] = value
    env["DIR"] = str(workdir)
    yield env
    subprocess.run([str(SERVERS), "stop", str(workdir)], check=False)


class Bot:
    """The liaison process with a generated bot.conf; stderr (the log) goes to a file."""

    def __init__(self, conf_text):
        self.dir = Path(tempfile.mkdtemp(prefix="liaison-bot-"))
        (self.dir / "bot.conf").write_text(conf_text)
        self.log_path = self.dir / "bot.log"
        self.proc = None

    def start(self, console=False):
        """With console=True, stdin is a pipe (`send_console`) and stdout goes to console.out."""
        self.log = open(self.log_path, "a")
        self.out_path = self.dir / "console.out"
        out = open(self.out_path, "a") if console else self.log
        self.proc = subprocess.Popen([str(BINARY), "--config", "bot.conf"], cwd=self.dir,
                                     stdin=subprocess.PIPE if console else subprocess.DEVNULL,
                                     stdout=out, stderr=self.log)
        return self

    def send_console(self, line):
        self.proc.stdin.write((line + "\n").encode())
        self.proc.stdin.flush()

    def wait_console(self, text, timeout=20):
        start = time.time()
        while time.time() - start < timeout:
            if self.out_path.exists() and text in self.out_path.read_text(errors="replace"):
                return
            time.sleep(0.05)
        raise TimeoutError(f"no {text!r} on the console")

    def log_text(self):
        return self.log_path.read_text(errors="replace")

    def wait_log(self, text, timeout=20, after=0):
        """Waits until the log (from byte offset `after`) contains text; returns the time taken."""
        start = time.time()
        while time.time() - start < timeout:
            if text in self.log_text()[after:]:
                return time.time() - start
            if self.proc.poll() is not None:
                raise RuntimeError(f"liaison exited with {self.proc.returncode}:\n{self.log_text()[-3000:]}")
            time.sleep(0.05)
        raise TimeoutError(f"no {text!r} in the log within {timeout}s:\n{self.log_text()[-3000:]}")

    def stop(self, sig=signal.SIGTERM, timeout=10):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode if self.proc else None


def base_conf(admins="", broker=""):
    """[bot], [broker] and a disabled [console]: what every network test's bot.conf starts with."""
    return f"""[bot]
state = state.db
admins = {admins}
log_level = info

[broker]
{broker}

[console]
enabled = no
"""


def bot_conf(port, channels, admins="", extra="", network="test", tls="no", broker="", flood="flood_interval = 0s"):
    return base_conf(admins, broker) + f"""
[irc.{network}]
host = 127.0.0.1
port = {port}
tls = {tls}
tls_verify = no
channels = {channels}
{flood}
{extra}
"""


@pytest.fixture
def make_bot():
    bots = []

    def make(conf_text):
        bot = Bot(conf_text)
        bots.append(bot)
        return bot

    yield make
    for bot in bots:
        bot.stop()
