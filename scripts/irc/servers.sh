#!/usr/bin/env bash
# Real IRC servers for Liaison's end-to-end tests, on free loopback ports.
#
#   servers.sh install                 apt-get install what is missing (inspircd, atheme-services,
#                                      ngircd, openssl); never leaves a system daemon running
#   servers.sh start DIR               InspIRCd 3 + Atheme services + ngIRCd, all state in DIR;
#                                      writes DIR/env (KEY=VALUE lines) once every server is ready
#   servers.sh stop DIR                stop what was started for DIR, wait until it has exited
#   servers.sh restart-inspircd DIR [--kill]
#                                      stop InspIRCd (SIGTERM, or SIGKILL with --kill), start it
#                                      on the same ports, wait until Atheme has linked again
#   servers.sh status DIR              exit 0 when everything started for DIR is running
#
# Runs may go on in parallel in different DIRs: ports are picked free per run and every file
# lives in DIR (ngIRCd's, if DIR is not reachable by user nobody, in a /tmp folder named in env).
# Needs root (InspIRCd runs with --runasroot; ngIRCd drops to nobody by itself).
#
# Worth knowing when writing tests against these servers:
# - InspIRCd sends 001 about 1 s after NICK/USER (+ CAP END): it completes registrations on its
#   once-a-second tick. ngIRCd answers at once.
# - InspIRCd 3.15 (Debian) segfaults while exiting on SIGTERM whenever ssl_gnutls is loaded,
#   after it has sent every client "ERROR :Closing link: ... [Server shutting down]". Harmless;
#   core dumps are turned off for the daemons. With --kill, clients just see the socket close.
# - Atheme keeps its accounts in DIR/atheme/services.db: a second start in the same DIR keeps
#   them (and the certificates); use a fresh DIR for a clean network.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SERVER_NAME="irc.liaison.test"          # InspIRCd's server name (Atheme's uplink)
SERVICES_NAME="services.liaison.test"   # Atheme's server name (SASL target, U-line)
NGIRCD_NAME="ngircd.liaison.test"
READY_TIMEOUT="${IRC_READY_TIMEOUT:-30}"  # seconds to wait for a server to be ready

log() { echo "servers.sh: $*" >&2; }
die() { log "$*"; exit 1; }
now() { date +%s.%N; }
since() { python3 -c 'import sys; print("%.2f" % (float(sys.argv[2]) - float(sys.argv[1])))' "$1" "$(now)"; }

# ---------------------------------------------------------------------------------------------
# install

stop_system_daemons() {
  # Package scripts may start the system copies; stop any that did (they are not ours to run).
  local f pid
  for f in /run/inspircd/inspircd.pid /run/ngircd/ngircd.pid /run/atheme/atheme.pid \
           /var/run/inspircd/inspircd.pid /var/run/ngircd/ngircd.pid /var/lib/atheme/atheme.pid; do
    [ -r "$f" ] || continue
    pid="$(cat "$f" 2>/dev/null || true)"
    case "$pid" in ''|*[!0-9]*) continue ;; esac
    if kill -0 "$pid" 2>/dev/null; then
      log "stopping system daemon started by the package (pid $pid, $f)"
      kill "$pid" 2>/dev/null || true
      wait_gone "$pid" 10 || kill -9 "$pid" 2>/dev/null || true
    fi
  done
}

cmd_install() {
  local need=() p
  for p in inspircd atheme-services ngircd openssl; do
    # Not `dpkg -s`: it also succeeds for a removed package whose config files remain.
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" = "install ok installed" ] ||
      need+=("$p")
  done
  command -v python3 >/dev/null 2>&1 || need+=(python3)
  if [ "${#need[@]}" -eq 0 ]; then
    log "install: nothing to do"
    return 0
  fi
  [ "$(id -u)" = 0 ] || die "install needs root"
  # Forbid service starts during the install (no systemd here; init scripts would start
  # daemons on the packages' default ports). Docker-style images already have this file.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# temporary, from liaison scripts/irc/servers.sh install\nexit 101\n' \
      >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  log "install: apt-get install ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  stop_system_daemons
}

# ---------------------------------------------------------------------------------------------
# helpers

# pid_alive PID: running and not a zombie
pid_alive() {
  local st
  kill -0 "$1" 2>/dev/null || return 1
  st="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || true)"
  [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# wait_gone PID SECONDS
wait_gone() {
  local i n=$(( $2 * 20 ))
  for ((i = 0; i < n; i++)); do
    pid_alive "$1" || return 0
    sleep 0.05
  done
  ! pid_alive "$1"
}

# ours NAME: prints the pid from DIR/NAME.pid if that process runs with DIR's config
ours() {
  local f="$DIR/$1.pid" pid
  [ -r "$f" ] || return 1
  pid="$(cat "$f")"
  case "$pid" in ''|*[!0-9]*) return 1 ;; esac
  pid_alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$(conf_of "$1")" || return 1
  echo "$pid"
}

conf_of() {
  case "$1" in
    inspircd) echo "$DIR/inspircd.conf" ;;
    atheme) echo "$DIR/atheme/atheme.conf" ;;
    ngircd) echo "$NGIRCD_DIR/ngircd.conf" ;;
  esac
}

# stop_one NAME SIGNAL: stop DIR's NAME daemon and wait until it has exited
stop_one() {
  local pid
  if pid="$(ours "$1")"; then
    kill "-$2" "$pid" 2>/dev/null || true
    if ! wait_gone "$pid" 10; then
      log "$1 (pid $pid) did not exit in 10 s; SIGKILL"
      kill -9 "$pid" 2>/dev/null || true
      wait_gone "$pid" 5 || die "$1 (pid $pid) would not die"
    fi
  fi
  rm -f "$DIR/$1.pid"
}

# spawn NAME LOGFILE CMD...: start CMD in the background, detached from our stdio and from
# any other descriptor the caller passed us (so a caller reading our output sees EOF).
spawn() {
  local name="$1" out="$2"
  shift 2
  (
    for fd in /proc/"$BASHPID"/fd/*; do
      fd="${fd##*/}"
      case "$fd" in 0|1|2|255) ;; *) eval "exec $fd>&-" 2>/dev/null || true ;; esac
    done
    cd "$DIR"
    ulimit -c 0   # Atheme 7.2 can crash while exiting on SIGTERM; no core files
    exec "$@" </dev/null >>"$out" 2>&1
  ) &
  echo "$!" >"$DIR/$name.pid"
}

# free_ports N: N distinct free TCP ports on 127.0.0.1
free_ports() {
  python3 - "$1" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()
PY
}

# wait_irc MODE PORT TIMEOUT [PID]
#   MODE=port:   until PORT accepts a TCP connection
#   MODE=linked: until a client on PORT is offered the sasl cap and WHOIS SaslServ answers
#                (Atheme has linked and burst)
wait_irc() {
  python3 - "$@" <<'PY'
import os, socket, sys, time
mode, port, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
pid = int(sys.argv[4]) if len(sys.argv) > 4 else None
deadline = time.time() + timeout

def alive():
    if pid is None:
        return True
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False

def linked_once():
    s = socket.create_connection(("127.0.0.1", port), timeout=3)
    f = s.makefile("rb")
    nick = "w%d" % (os.getpid() % 100000)
    s.sendall(b"CAP LS 302\r\n")
    caps = ""
    while True:
        p = f.readline().decode("utf-8", "replace").rstrip("\r\n").split(" ")
        if len(p) > 3 and p[1] == "CAP" and p[3] == "LS":
            if p[4] == "*":
                caps += " ".join(p[5:]) + " "
            else:
                caps += " ".join(p[4:])
                break
    if "sasl" not in [c.split("=")[0] for c in caps.replace(":", "").split()]:
        s.close()
        return False
    # InspIRCd answers commands sent before 001 with 451, so WHOIS only after it.
    s.sendall(("NICK %s\r\nUSER w 0 * :w\r\nCAP END\r\n" % nick).encode())
    ok = False
    while True:
        line = f.readline().decode("utf-8", "replace")
        if not line:
            break
        p = line.split(" ")
        if len(p) > 1 and p[1] == "001":
            s.sendall(b"WHOIS SaslServ\r\n")
        if len(p) > 1 and p[1] in ("311", "401"):
            ok = p[1] == "311"
            break
    try:
        s.sendall(b"QUIT\r\n")
    except OSError:
        pass
    s.close()
    return ok

while time.time() < deadline:
    if not alive():
        sys.exit("process %d exited" % pid)
    try:
        if mode == "port":
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            sys.exit(0)
        if linked_once():
            sys.exit(0)
    except (OSError, IndexError):
        pass
    time.sleep(0.05)
sys.exit("timed out after %gs (%s on port %d)" % (timeout, mode, port))
PY
}

render() { # render TEMPLATE OUT
  sed -e "s|@DIR@|$DIR|g" \
      -e "s|@ATHEME_DIR@|$DIR/atheme|g" \
      -e "s|@NGIRCD_DIR@|$NGIRCD_DIR|g" \
      -e "s|@SERVER_NAME@|$SERVER_NAME|g" \
      -e "s|@SERVICES_NAME@|$SERVICES_NAME|g" \
      -e "s|@LINK_PASS@|$LINK_PASS|g" \
      -e "s|@INSPIRCD_PORT@|$INSPIRCD_PORT|g" \
      -e "s|@INSPIRCD_TLS_PORT@|$INSPIRCD_TLS_PORT|g" \
      -e "s|@INSPIRCD_LINK_PORT@|$INSPIRCD_LINK_PORT|g" \
      -e "s|@NGIRCD_PORT@|$NGIRCD_PORT|g" \
      -e "s|@NGIRCD_TLS_PORT@|$NGIRCD_TLS_PORT|g" \
      "$1" >"$2"
  if grep -q '@[A-Z_]*@' "$2"; then die "unreplaced placeholder in $2"; fi
}

set_dir() {
  [ -n "${1:-}" ] || die "missing DIR"
  case "$1" in *[[:space:]]*) die "DIR must not contain spaces: $1" ;; esac
  mkdir -p "$1"
  DIR="$(cd "$1" && pwd)"
  NGIRCD_DIR="$DIR/ngircd"
  if [ -r "$DIR/env" ]; then
    # Only the values this script wrote (no sourcing of anything else).
    local v
    v="$(sed -n 's/^NGIRCD_DIR=//p' "$DIR/env")"
    [ -n "$v" ] && NGIRCD_DIR="$v"
  fi
}

load_env() {
  [ -r "$DIR/env" ] || die "$DIR/env not found: run servers.sh start $DIR first"
  local k v
  while IFS='=' read -r k v; do
    case "$k" in [A-Z]*) printf -v "$k" '%s' "$v" ;; esac
  done <"$DIR/env"
}

need_tools() {
  local t
  for t in inspircd atheme-services ngircd openssl python3; do
    command -v "$t" >/dev/null 2>&1 || die "$t not found: run servers.sh install"
  done
  [ "$(id -u)" = 0 ] || die "needs root (InspIRCd --runasroot, ngIRCd privilege drop)"
}

# ---------------------------------------------------------------------------------------------
# certificates: a CA, a server certificate for localhost/127.0.0.1 signed by it, and a
# self-signed client certificate (SASL EXTERNAL / NickServ CERT). EC P-256 keys: fast to make.

make_certs() {
  [ -s "$DIR/client.pem" ] && [ -s "$DIR/server.crt" ] && [ -s "$DIR/dh.pem" ] && return 0
  local ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  (
    cd "$DIR"
    openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.crt -days 3650 \
      -subj "/CN=Liaison Test CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
    openssl req "${ec[@]}" -keyout server.key -out server.csr -subj "/CN=localhost"
    printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1" "basicConstraints=CA:FALSE" \
      "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth" >server.ext
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -set_serial "0x$(openssl rand -hex 8)" \
      -days 3650 -extfile server.ext -out server.crt
    openssl req -x509 "${ec[@]}" -keyout client.key -out client.crt -days 3650 \
      -subj "/CN=liaison-test-client" -addext "extendedKeyUsage=clientAuth"
    cat client.crt client.key >client.pem
    # Fixed RFC 7919 DH group for ngIRCd (else it spends ~2 s generating parameters).
    openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048 -out dh.pem
    rm -f server.csr server.ext
  ) >"$DIR/openssl.log" 2>&1 || { cat "$DIR/openssl.log" >&2; die "certificate generation failed"; }
}

cert_fp() { # SHA-256 of the DER certificate, lower-case hex: what InspIRCd reports
  openssl x509 -in "$1" -noout -fingerprint -sha256 | cut -d= -f2 | tr -d : | tr 'A-F' 'a-f'
}

# ---------------------------------------------------------------------------------------------
# start / stop

# ngIRCd runs as nobody and must read its config, certificate and key: use DIR/ngircd when
# nobody can reach it, else a private folder in /tmp (removed by stop).
prepare_ngircd_dir() {
  NGIRCD_DIR="$DIR/ngircd"
  mkdir -p "$NGIRCD_DIR"
  chmod 755 "$NGIRCD_DIR"
  chmod o+x "$DIR" 2>/dev/null || true
  : >"$NGIRCD_DIR/probe"
  chmod 644 "$NGIRCD_DIR/probe"
  if ! runuser -u nobody -- test -r "$NGIRCD_DIR/probe" 2>/dev/null; then
    rm -rf "$NGIRCD_DIR"
    NGIRCD_DIR="$(mktemp -d /tmp/liaison-ngircd.XXXXXX)"
    chmod 755 "$NGIRCD_DIR"
  fi
  rm -f "$NGIRCD_DIR/probe"
  cp "$DIR/server.crt" "$DIR/server.key" "$DIR/dh.pem" "$NGIRCD_DIR/"
  chmod 644 "$NGIRCD_DIR/server.crt" "$NGIRCD_DIR/server.key" "$NGIRCD_DIR/dh.pem"
}

start_inspircd() {
  local t0
  t0="$(now)"
  spawn inspircd "$DIR/inspircd.out" \
    inspircd --config "$DIR/inspircd.conf" --nofork --runasroot --nopid
  wait_irc port "$INSPIRCD_PORT" "$READY_TIMEOUT" "$(cat "$DIR/inspircd.pid")" &&
    wait_irc port "$INSPIRCD_TLS_PORT" "$READY_TIMEOUT" "$(cat "$DIR/inspircd.pid")" || {
      tail -n 20 "$DIR/inspircd.out" "$DIR/inspircd.log" >&2 2>/dev/null || true
      return 1
    }
  log "InspIRCd listening on $INSPIRCD_PORT (TLS $INSPIRCD_TLS_PORT) after $(since "$t0") s"
}

wait_linked() {
  local t0="$1" what="$2"
  wait_irc linked "$INSPIRCD_PORT" "$READY_TIMEOUT" "$(cat "$DIR/atheme.pid")" || {
    tail -n 20 "$DIR/atheme/atheme.out" "$DIR/atheme/atheme.log" >&2 2>/dev/null || true
    return 1
  }
  log "$what after $(since "$t0") s"
}

try_start() {
  local ports t0
  read -r INSPIRCD_PORT INSPIRCD_TLS_PORT INSPIRCD_LINK_PORT NGIRCD_PORT NGIRCD_TLS_PORT \
    <<<"$(free_ports 5)"
  LINK_PASS="$(openssl rand -hex 12)"

  render "$HERE/inspircd.conf.in" "$DIR/inspircd.conf"
  mkdir -p "$DIR/atheme"
  render "$HERE/atheme.conf.in" "$DIR/atheme/atheme.conf"
  render "$HERE/ngircd.conf.in" "$NGIRCD_DIR/ngircd.conf"
  chmod 644 "$NGIRCD_DIR/ngircd.conf"
  printf 'Liaison IRC test server.\n' >"$DIR/motd.txt"

  start_inspircd || return 1

  t0="$(now)"
  spawn atheme "$DIR/atheme/atheme.out" \
    atheme-services -n -c "$DIR/atheme/atheme.conf" -D "$DIR/atheme" \
      -l "$DIR/atheme/atheme.log" -p "$DIR/atheme/atheme-own.pid"
  wait_linked "$t0" "Atheme linked as $SERVICES_NAME" || return 1

  t0="$(now)"
  spawn ngircd "$DIR/ngircd.out" ngircd -n -f "$NGIRCD_DIR/ngircd.conf"
  wait_irc port "$NGIRCD_PORT" "$READY_TIMEOUT" "$(cat "$DIR/ngircd.pid")" &&
    wait_irc port "$NGIRCD_TLS_PORT" "$READY_TIMEOUT" "$(cat "$DIR/ngircd.pid")" || {
      tail -n 20 "$DIR/ngircd.out" >&2 || true
      return 1
    }
  log "ngIRCd listening on $NGIRCD_PORT (TLS $NGIRCD_TLS_PORT) after $(since "$t0") s"
}

write_env() {
  local tmp="$DIR/env.tmp"
  cat >"$tmp" <<EOF
IRC_DIR=$DIR
IRC_HOST=127.0.0.1
INSPIRCD_PORT=$INSPIRCD_PORT
INSPIRCD_TLS_PORT=$INSPIRCD_TLS_PORT
INSPIRCD_LINK_PORT=$INSPIRCD_LINK_PORT
INSPIRCD_SERVER_NAME=$SERVER_NAME
SERVICES_NAME=$SERVICES_NAME
NGIRCD_PORT=$NGIRCD_PORT
NGIRCD_TLS_PORT=$NGIRCD_TLS_PORT
NGIRCD_SERVER_NAME=$NGIRCD_NAME
NGIRCD_DIR=$NGIRCD_DIR
CA_CERT=$DIR/ca.crt
SERVER_CERT=$DIR/server.crt
CLIENT_CERT=$DIR/client.crt
CLIENT_KEY=$DIR/client.key
CLIENT_PEM=$DIR/client.pem
CLIENT_CERT_FP=$(cert_fp "$DIR/client.crt")
OPER_NAME=test
OPER_PASSWORD=testpass
INSPIRCD_PID_FILE=$DIR/inspircd.pid
ATHEME_PID_FILE=$DIR/atheme.pid
NGIRCD_PID_FILE=$DIR/ngircd.pid
INSPIRCD_LOG=$DIR/inspircd.log
ATHEME_LOG=$DIR/atheme/atheme.log
NGIRCD_LOG=$DIR/ngircd.out
EOF
  mv "$tmp" "$DIR/env"
}

stop_all() {
  stop_one ngircd TERM
  stop_one atheme TERM
  stop_one inspircd TERM
}

cmd_start() {
  set_dir "${1:-}"
  need_tools
  if [ -r "$DIR/env" ] && ours inspircd >/dev/null && ours atheme >/dev/null && ours ngircd >/dev/null; then
    log "already running for $DIR"
    return 0
  fi
  stop_all
  rm -f "$DIR/env"
  make_certs
  prepare_ngircd_dir
  local attempt
  for attempt in 1 2 3; do
    if try_start; then
      write_env
      log "ready: $DIR/env"
      return 0
    fi
    log "start attempt $attempt failed (a port may have been taken meanwhile); retrying"
    stop_all
  done
  die "could not start the IRC servers; logs are in $DIR"
}

cmd_stop() {
  set_dir "${1:-}"
  stop_all
  case "$NGIRCD_DIR" in
    /tmp/liaison-ngircd.*) rm -rf "$NGIRCD_DIR" ;;
  esac
  log "stopped ($DIR)"
}

cmd_restart_inspircd() {
  set_dir "${1:-}"
  local sig=TERM t0
  [ "${2:-}" = "--kill" ] && sig=KILL
  load_env
  ours atheme >/dev/null || die "Atheme is not running for $DIR"
  t0="$(now)"
  stop_one inspircd "$sig"
  local attempt ok=""
  for attempt in 1 2 3 4 5; do
    if start_inspircd; then ok=1; break; fi
    stop_one inspircd KILL
    sleep 0.5
  done
  [ -n "$ok" ] || die "InspIRCd did not come back on ports $INSPIRCD_PORT/$INSPIRCD_TLS_PORT"
  wait_linked "$t0" "InspIRCd restarted (SIG$sig) and Atheme relinked" ||
    die "Atheme did not relink"
}

cmd_status() {
  set_dir "${1:-}"
  local n rc=0 pid
  for n in inspircd atheme ngircd; do
    if pid="$(ours "$n")"; then echo "$n running (pid $pid)"; else echo "$n not running"; rc=1; fi
  done
  return "$rc"
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start "${2:-}" ;;
  stop) cmd_stop "${2:-}" ;;
  restart-inspircd) cmd_restart_inspircd "${2:-}" "${3:-}" ;;
  status) cmd_status "${2:-}" ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed '$d' >&2; exit 2 ;;
esac
