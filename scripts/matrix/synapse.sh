#!/usr/bin/env bash
# A real Matrix homeserver (Synapse) for Liaison's end-to-end tests, on a free loopback port.
#
#   synapse.sh install                     pip-install matrix-synapse into the repo's .venv
#                                          (creating the venv if missing) unless it imports
#   synapse.sh start DIR [--low-rate-limits]
#                                          generate a config in DIR (first time only), start
#                                          Synapse on 127.0.0.1, write DIR/env once
#                                          /_matrix/client/versions answers
#   synapse.sh stop DIR                    SIGTERM DIR's Synapse, wait until it has exited
#   synapse.sh restart DIR                 stop, then start again on the same port with the
#                                          same data and the same rate-limit mode
#   synapse.sh status DIR                  exit 0 when DIR's Synapse is running and answering
#   synapse.sh register DIR USER PASSWORD [--admin]
#                                          register USER with the shared-secret admin API;
#                                          prints the user ID (@USER:localhost)
#
# DIR/env holds KEY=VALUE lines: SYNAPSE_URL, SYNAPSE_PORT, SYNAPSE_SERVER_NAME,
# SYNAPSE_SHARED_SECRET, SYNAPSE_PID_FILE, SYNAPSE_LOG, SYNAPSE_DIR, SYNAPSE_RATE_LIMITS.
#
# Runs may go on in parallel in different DIRs: each picks its own free port and keeps every
# file in DIR. A second `start` of a running DIR does nothing; a `start` of a stopped DIR keeps
# its data (users, rooms) and its port when that port is still free. Use a fresh DIR for a
# clean server.
#
# Worth knowing:
# - Server name is "localhost", so user IDs are @NAME:localhost and room aliases #x:localhost.
# - Registration is closed (enable_registration: false); users come from `register` only.
# - Rate limits are raised far out of reach, except rc_message with --low-rate-limits
#   (0.5 events/s, burst 2) for a test of the bot's 429 handling.
# - bcrypt_rounds is 4 so registering and logging in are fast.
# - Logs: DIR/homeserver.log (WARNING and up), DIR/synapse.out (stdout/stderr).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VENV="${LIAISON_VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"
SERVER_NAME="localhost"
SHARED_SECRET="liaison-test-shared-secret"
READY_TIMEOUT="${SYNAPSE_READY_TIMEOUT:-60}"   # seconds to wait for /versions after start
STOP_TIMEOUT="${SYNAPSE_STOP_TIMEOUT:-15}"     # seconds to wait for exit after SIGTERM

log() { echo "synapse.sh: $*" >&2; }
die() { log "$*"; exit 1; }
now() { date +%s.%N; }
since() { python3 -c 'import sys; print("%.2f" % (float(sys.argv[2]) - float(sys.argv[1])))' "$1" "$(now)"; }

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# ---------------------------------------------------------------------------------------------
# install

synapse_importable() { [ -x "$PY" ] && "$PY" -c 'import synapse.app.homeserver' 2>/dev/null; }

cmd_install() {
  if synapse_importable; then
    log "matrix-synapse $("$PY" -c 'import synapse; print(synapse.__version__)') already in $VENV"
    return 0
  fi
  [ -x "$PY" ] || { log "creating $VENV"; python3 -m venv "$VENV"; }
  log "installing matrix-synapse into $VENV"
  "$VENV/bin/pip" install --quiet matrix-synapse
  synapse_importable || die "matrix-synapse installed but does not import"
  log "matrix-synapse $("$PY" -c 'import synapse; print(synapse.__version__)') installed"
}

# ---------------------------------------------------------------------------------------------
# helpers

set_dir() {
  [ -n "${1:-}" ] || usage
  [ "${2:-}" = create ] && mkdir -p "$1"
  [ -d "$1" ] || die "no such folder: $1"
  DIR="$(cd "$1" && pwd -P)"
  CONF="$DIR/homeserver.yaml"
  PID_FILE="$DIR/synapse.pid"
  LOG_FILE="$DIR/homeserver.log"
}

# running: exit 0 when DIR's pid file names a live Synapse started with DIR's config
running() {
  local pid
  [ -r "$PID_FILE" ] || return 1
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  case "$pid" in ''|*[!0-9]*) return 1 ;; esac
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "-c $CONF" || return 1
  echo "$pid"
}

answers() { curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$1/_matrix/client/versions" 2>/dev/null; }

# port_free PORT: exit 0 when 127.0.0.1:PORT can be bound (SO_REUSEADDR, as Twisted does)
port_free() {
  python3 - "$1" <<'EOF'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
EOF
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

env_value() { sed -n "s/^$1=//p" "$DIR/env" 2>/dev/null | tail -n1; }

# ---------------------------------------------------------------------------------------------
# config

generate_config() {
  [ -s "$DIR/homeserver.generated.yaml" ] && return 0
  log "generating config in $DIR"
  rm -f "$CONF"
  "$PY" -m synapse.app.homeserver --server-name "$SERVER_NAME" --config-path "$CONF" \
      --data-directory "$DIR" --generate-config --report-stats=no >"$DIR/generate.out" 2>&1 \
    || { cat "$DIR/generate.out" >&2; die "--generate-config failed"; }
  # Keep what Synapse generated (signing key path, macaroon and form secrets) as the base that
  # every start merges its settings into; the generated file does not end with a newline.
  mv "$CONF" "$DIR/homeserver.generated.yaml"
  echo >>"$DIR/homeserver.generated.yaml"
}

# write_config PORT MODE: homeserver.yaml = generated base + test settings; log.config
write_config() {
  local port="$1" mode="$2"
  cat >"$DIR/log.config" <<EOF
# Synapse logging for tests: WARNING and up, to a file in the run folder.
version: 1
formatters:
  precise:
    format: '%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(request)s - %(message)s'
handlers:
  file:
    class: logging.FileHandler
    formatter: precise
    filename: $LOG_FILE
    encoding: utf8
root:
  level: WARNING
  handlers: [file]
disable_existing_loggers: false
EOF
  "$PY" - "$DIR" "$port" "$mode" "$SHARED_SECRET" <<'EOF'
import sys
import yaml

dir_, port, mode, secret = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
with open(f"{dir_}/homeserver.generated.yaml") as f:
    cfg = yaml.safe_load(f)

HIGH = {"per_second": 100000, "burst_count": 1000000}
cfg.update({
    "pid_file": f"{dir_}/synapse.pid",      # used by Synapse only with --daemonize
    "listeners": [{
        "port": port,
        "bind_addresses": ["127.0.0.1"],
        "type": "http",
        "tls": False,
        "x_forwarded": False,
        "resources": [{"names": ["client"], "compress": False}],
    }],
    "database": {"name": "sqlite3", "args": {"database": f"{dir_}/homeserver.db"}},
    "media_store_path": f"{dir_}/media_store",
    "log_config": f"{dir_}/log.config",
    "trusted_key_servers": [],
    "suppress_key_server_warning": True,
    "federation_domain_whitelist": [],       # no federation at all
    "presence": {"enabled": False},
    "registration_shared_secret": secret,
    "enable_registration": False,
    "url_preview_enabled": False,
    "report_stats": False,
    "bcrypt_rounds": 4,
    # Rate limits: out of reach for tests (the low rc_message is for the 429 test).
    "rc_message": {"per_second": 0.5, "burst_count": 2} if mode == "low" else HIGH,
    "rc_registration": HIGH,
    "rc_registration_token_validity": HIGH,
    "rc_login": {"address": HIGH, "account": HIGH, "failed_attempts": HIGH},
    "rc_joins": {"local": HIGH, "remote": HIGH},
    "rc_joins_per_room": HIGH,
    "rc_invites": {"per_room": HIGH, "per_user": HIGH, "per_issuer": HIGH},
    "rc_third_party_invite": HIGH,
    "rc_3pid_validation": HIGH,
    "rc_admin_redaction": HIGH,
    "rc_room_creation": HIGH,
    "rc_key_requests": HIGH,
    "rc_media_create": HIGH,
    "rc_profile": HIGH,
    "rc_presence": {"per_user": HIGH},
    "rc_delayed_event_mgmt": HIGH,
    "rc_reports": HIGH,
    "rc_user_directory": HIGH,
})
with open(f"{dir_}/homeserver.yaml", "w") as f:
    f.write("# Generated by scripts/matrix/synapse.sh from homeserver.generated.yaml; "
            "rewritten at every start.\n")
    yaml.safe_dump(cfg, f, sort_keys=False)
EOF
}

write_env() {
  local port="$1" mode="$2"
  cat >"$DIR/env.tmp" <<EOF
SYNAPSE_URL=http://127.0.0.1:$port
SYNAPSE_PORT=$port
SYNAPSE_SERVER_NAME=$SERVER_NAME
SYNAPSE_SHARED_SECRET=$SHARED_SECRET
SYNAPSE_PID_FILE=$PID_FILE
SYNAPSE_LOG=$LOG_FILE
SYNAPSE_DIR=$DIR
SYNAPSE_RATE_LIMITS=$mode
EOF
  mv "$DIR/env.tmp" "$DIR/env"
}

# ---------------------------------------------------------------------------------------------
# start / stop

# start_server MODE REQUIRE_SAME_PORT
start_server() {
  local mode="$1" same="$2" port pid t0 pid_now
  t0="$(now)"
  if pid="$(running)"; then
    port="$(env_value SYNAPSE_PORT)"
    if [ -n "$port" ] && answers "$port"; then
      [ "$(env_value SYNAPSE_RATE_LIMITS)" = "$mode" ] \
        || log "warning: already running with rate limits '$(env_value SYNAPSE_RATE_LIMITS)'"
      log "already running (pid $pid, port $port, $DIR)"
      return 0
    fi
    die "a Synapse for $DIR runs (pid $pid) but does not answer; stop it first"
  fi
  synapse_importable || die "matrix-synapse is not importable from $PY; run: $0 install"
  generate_config

  port="$(cat "$DIR/port" 2>/dev/null || true)"
  if [ -n "$port" ] && ! port_free "$port"; then
    [ "$same" = yes ] && die "port $port (from $DIR/port) is taken; cannot restart on it"
    log "port $port is taken now; picking another"
    port=""
  fi
  [ -n "$port" ] || port="$(free_port)"
  echo "$port" >"$DIR/port"
  echo "$mode" >"$DIR/mode"
  rm -f "$DIR/env"
  write_config "$port" "$mode"

  (cd "$DIR" && exec nohup "$PY" -m synapse.app.homeserver -c "$CONF" \
      </dev/null >>"$DIR/synapse.out" 2>&1) &
  pid=$!
  echo "$pid" >"$PID_FILE"

  local deadline
  deadline=$(( $(date +%s) + READY_TIMEOUT ))
  until answers "$port"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$DIR/synapse.out" "$LOG_FILE" >&2 2>/dev/null || true
      die "Synapse exited during startup (see $DIR/synapse.out, $LOG_FILE)"
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      tail -n 30 "$DIR/synapse.out" "$LOG_FILE" >&2 2>/dev/null || true
      die "Synapse did not answer /_matrix/client/versions on port $port within ${READY_TIMEOUT}s"
    fi
    sleep 0.1
  done
  pid_now="$(running)" || die "Synapse answers on $port but pid $pid is not it"
  write_env "$port" "$mode"
  log "Synapse ready on http://127.0.0.1:$port in $(since "$t0") s (pid $pid_now, $DIR)"
}

stop_server() {
  local pid t0 i
  t0="$(now)"
  if ! pid="$(running)"; then
    rm -f "$PID_FILE"
    log "not running ($DIR)"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < STOP_TIMEOUT * 20; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid still running ${STOP_TIMEOUT}s after SIGTERM; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  fi
  rm -f "$PID_FILE"
  log "stopped pid $pid in $(since "$t0") s ($DIR)"
}

cmd_start() {
  local mode=high
  set_dir "${1:-}" create
  shift
  while [ $# -gt 0 ]; do
    case "$1" in
      --low-rate-limits) mode=low ;;
      *) usage ;;
    esac
    shift
  done
  start_server "$mode" no
}

cmd_stop() {
  [ $# -eq 1 ] || usage
  [ -d "$1" ] || { log "no such folder, nothing to stop: $1"; return 0; }
  set_dir "$1"
  stop_server
}

cmd_restart() {
  [ $# -eq 1 ] || usage
  set_dir "$1"
  [ -s "$DIR/homeserver.generated.yaml" ] || die "$DIR has never been started"
  local t0 mode
  t0="$(now)"
  mode="$(cat "$DIR/mode" 2>/dev/null || echo high)"
  stop_server
  start_server "$mode" yes
  log "restarted in $(since "$t0") s"
}

cmd_status() {
  [ $# -eq 1 ] || usage
  set_dir "$1"
  local pid port
  pid="$(running)" || { log "not running ($DIR)"; return 1; }
  port="$(env_value SYNAPSE_PORT)"
  [ -n "$port" ] && answers "$port" || { log "pid $pid runs but does not answer"; return 1; }
  log "running (pid $pid, http://127.0.0.1:$port)"
}

# ---------------------------------------------------------------------------------------------
# register

cmd_register() {
  [ $# -ge 3 ] && [ $# -le 4 ] || usage
  set_dir "$1"
  local admin=no
  if [ $# -eq 4 ]; then
    [ "$4" = "--admin" ] || usage
    admin=yes
  fi
  [ -r "$DIR/env" ] || die "no $DIR/env: start the server first"
  python3 - "$(env_value SYNAPSE_URL)" "$(env_value SYNAPSE_SHARED_SECRET)" "$2" "$3" "$admin" <<'EOF'
import hashlib, hmac, json, sys, urllib.error, urllib.request

url, secret, user, password, admin = sys.argv[1:]
endpoint = url + "/_synapse/admin/v1/register"
try:
    with urllib.request.urlopen(endpoint, timeout=30) as r:
        nonce = json.load(r)["nonce"]
    # HMAC-SHA1 keyed with the shared secret over nonce NUL user NUL password NUL admin|notadmin
    message = "\x00".join([nonce, user, password, "admin" if admin == "yes" else "notadmin"])
    mac = hmac.new(secret.encode(), message.encode(), hashlib.sha1)
    body = {"nonce": nonce, "username": user, "password": password,
            "admin": admin == "yes", "mac": mac.hexdigest()}
    req = urllib.request.Request(endpoint, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        print(json.load(r)["user_id"])
except urllib.error.HTTPError as e:
    sys.exit(f"synapse.sh: register {user}: HTTP {e.code}: {e.read().decode(errors='replace')}")
except urllib.error.URLError as e:
    sys.exit(f"synapse.sh: register {user}: {url}: {e.reason} (is the server running?)")
EOF
}

# ---------------------------------------------------------------------------------------------

cmd="${1:-}"
[ $# -gt 0 ] && shift
case "$cmd" in
  install) cmd_install ;;
  start) [ $# -ge 1 ] || usage; cmd_start "$@" ;;
  stop) cmd_stop "$@" ;;
  restart) cmd_restart "$@" ;;
  status) cmd_status "$@" ;;
  register) cmd_register "$@" ;;
  *) usage ;;
esac
