#!/usr/bin/env bash
# Prepare the real engines the test suite runs against. Idempotent: a second
# run only checks that everything is still there (a few seconds).
#
#   1. Python venv with test/requirements.txt   -> $FKS_CACHE/pyenv
#   2. cargo build of examples/platform/execution -> $FKS_CACHE/cargo-target
#   3. Docker engine (docker.io, vfs, no bridge) -> $FKS_CACHE/docker/docker.sock
#      plus the local base image fks-test/busybox:1
#   4. Chromium for HTML report tests
#   5. Redis and PostgreSQL servers on 127.0.0.1 (Debian packages redis-server,
#      postgresql; PostgreSQL also over TLS with a self-signed certificate)
#      for health checks against real dependencies; RabbitMQ (Debian package
#      rabbitmq-server) for the AMQP check
#   7. Toxiproxy (built with go install, pinned) on 127.0.0.1 for network faults
#   8. tools/chaos-mesh-validate (Go, cached)         -> $FKS_CACHE/bin/chaos-mesh-validate
#   9. tools/compose-validate (Go, compose-go, cached) -> $FKS_CACHE/bin/compose-validate
#
# Results are written to $FKS_CACHE/env.sh (export K='V' lines), which tests
# read directly. A missing Docker engine or Chromium does not fail the script;
# the env file then carries FKS_DOCKER_UNAVAILABLE / FKS_CHROMIUM_UNAVAILABLE
# with the reason, and the tests that need them skip and print it.
#
# Usage: bash scripts/env/setup.sh [--no-docker] [--no-chromium] [--no-datastores]
set -euo pipefail
# rustup installs cargo under ~/.cargo/bin, and dockerd and runuser live in /usr/sbin: a non-login
# shell (CI) may have neither on PATH.
if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi
case ":$PATH:" in *:/usr/sbin:*) ;; *) export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin" ;; esac

FKS_CACHE="${FKS_CACHE:-$HOME/.cache/fks}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
REQUIREMENTS="$REPO_ROOT/test/requirements.txt"
CRATE_DIR="$REPO_ROOT/examples/platform/execution"
VENV="$FKS_CACHE/pyenv"
CARGO_TARGET="$FKS_CACHE/cargo-target"
DOCKER_DIR="$FKS_CACHE/docker"
DOCKER_SOCK="$DOCKER_DIR/docker.sock"
BASE_IMAGE="fks-test/busybox:1"
ENV_FILE="$FKS_CACHE/env.sh"

WANT_DOCKER=1
WANT_CHROMIUM=1
WANT_DATASTORES=1
for arg in "$@"; do
  case "$arg" in
    --no-docker) WANT_DOCKER=0 ;;
    --no-chromium) WANT_CHROMIUM=0 ;;
    --no-datastores) WANT_DATASTORES=0 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown argument $arg (try --help)" >&2; exit 2 ;;
  esac
done

mkdir -p "$FKS_CACHE"
# Several worktrees or test workers may call this at once: serialise.
# (Long-running children such as dockerd must not inherit fd 9: they get 9>&-.)
LOCK_FILE="$FKS_CACHE/.setup.lock"
exec 9>"$LOCK_FILE"
if command -v flock >/dev/null 2>&1 && ! flock -w 900 9; then
  echo "[fks-env] another setup.sh has held $LOCK_FILE for 15 min; giving up (holders: $(fuser "$LOCK_FILE" 2>/dev/null || echo unknown))" >&2
  exit 1
fi

log() { printf '[fks-env] %s\n' "$*" >&2; }
now() { date +%s; }
START=$(now)

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; fi

# ---------------------------------------------------------------- apt helper
APT_UPDATED=0
APT_LOG="$FKS_CACHE/apt.log"
apt_get() { DEBIAN_FRONTEND=noninteractive $SUDO apt-get -q "$@" >>"$APT_LOG" 2>&1; }
apt_install() {
  # apt_install PKG... : install the packages; runs apt-get update at most once.
  if ! command -v apt-get >/dev/null 2>&1; then
    log "apt-get not available; cannot install $*"
    return 1
  fi
  if [ "$(id -u)" -ne 0 ] && [ -z "$SUDO" ]; then
    log "not root and no sudo; cannot install $*"
    return 1
  fi
  local lists
  lists=$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' 2>/dev/null | head -1 || true)
  if [ "$APT_UPDATED" -eq 0 ] && [ -z "$lists" ]; then
    log "apt-get update"
    apt_get update && APT_UPDATED=1
  fi
  log "apt-get install $* (log: $APT_LOG)"
  if ! apt_get install -y --no-install-recommends "$@"; then
    if [ "$APT_UPDATED" -eq 0 ]; then
      log "install failed with current package lists; apt-get update and retry"
      apt_get update && APT_UPDATED=1
      apt_get install -y --no-install-recommends "$@" || { tail -n 20 "$APT_LOG" >&2; return 1; }
    else
      tail -n 20 "$APT_LOG" >&2
      return 1
    fi
  fi
}

# ---------------------------------------------------------------- 1. Python
sha_of() { sha256sum "$1" | cut -d' ' -f1; }
REQ_HASH="$(sha_of "$REQUIREMENTS")"
HASH_FILE="$VENV/.requirements.sha256"
if [ -x "$VENV/bin/python" ] && [ -f "$HASH_FILE" ] && [ "$(cat "$HASH_FILE")" = "$REQ_HASH" ] \
   && "$VENV/bin/python" -c 'import sys' 2>/dev/null; then
  PY_STATE="cached"
else
  T0=$(now)
  rm -f "$HASH_FILE"
  # A working venv only gets what the requirements add (pip install is incremental); a broken
  # or missing one is made anew.
  if ! "$VENV/bin/python" -c 'import sys' 2>/dev/null; then
    log "creating Python venv at $VENV"
    python3 -m venv --clear "$VENV"
  else
    log "updating Python venv at $VENV"
  fi
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$REQUIREMENTS" >&2
  echo "$REQ_HASH" >"$HASH_FILE"
  PY_STATE="installed in $(( $(now) - T0 ))s"
fi
FKS_PYTHON="$VENV/bin/python"

# ---------------------------------------------------------------- 2. Rust
T0=$(now)
export CARGO_TARGET_DIR="$CARGO_TARGET"
# The Postgres TLS fixtures link OpenSSL (native-tls, openssl crates) through pkg-config.
if [ ! -f /usr/include/openssl/ssl.h ] || ! command -v pkg-config >/dev/null 2>&1; then
  apt_install libssl-dev pkg-config || log "could not install libssl-dev and pkg-config; the OpenSSL fixtures will not build"
fi
if ! cargo fetch --locked --manifest-path "$CRATE_DIR/Cargo.toml" -q >&2 2>/dev/null; then
  # Offline cache may be incomplete or the lock file stale: fetch normally.
  cargo fetch --manifest-path "$CRATE_DIR/Cargo.toml" >&2
fi
cargo build --offline --manifest-path "$CRATE_DIR/Cargo.toml" -q >&2
# Crates of the scaffold client-check fixtures, so their test builds --offline (best effort).
for f in axum-clients axum-sqlx; do cargo fetch --locked --manifest-path "$REPO_ROOT/test/fixtures/scaffold/$f/orders/Cargo.toml" -q >&2 || log "cargo fetch of the $f fixture failed; its test fetches again"; done
# Crates fks scaffold resilience / tracing add to an axum service, so their served test builds --offline (best effort).
for f in axum-deps axum-otel-deps; do cargo fetch --locked --manifest-path "$REPO_ROOT/test/fixtures/resilience/$f/Cargo.toml" -q >&2 || log "cargo fetch of the resilience $f crates failed; its test fetches again"; done
# Crates of the route-oracle fixture services (actix-web), so their test builds --offline (best effort).
for f in ac-runtime; do cargo fetch --locked --manifest-path "$REPO_ROOT/test/fixtures/routes-crate/$f/Cargo.toml" -q >&2 || log "cargo fetch of the $f route fixture failed; its test skips"; done
EXECUTION_BIN="$CARGO_TARGET/debug/execution"
[ -x "$EXECUTION_BIN" ] || { log "cargo build did not produce $EXECUTION_BIN"; exit 1; }
RUST_STATE="built in $(( $(now) - T0 ))s"

# ---------------------------------------------------------------- 3. Docker
DOCKER_HOST_VALUE=""
DOCKER_REASON=""
DOCKER_STATE=""

docker_cli() { docker -H "unix://$DOCKER_SOCK" "$@"; }
engine_answers() { [ -S "$DOCKER_SOCK" ] && timeout 5 docker -H "unix://$DOCKER_SOCK" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

engine_fail() {
  DOCKER_REASON="$1"
  log "Docker engine unavailable: $1"
  if [ -f "$DOCKER_DIR/dockerd.log" ]; then
    log "last 20 lines of $DOCKER_DIR/dockerd.log:"
    tail -n 20 "$DOCKER_DIR/dockerd.log" >&2 || true
  fi
}

import_base_image() {
  if docker_cli image inspect "$BASE_IMAGE" >/dev/null 2>&1; then return 0; fi
  local bb root
  bb="$(command -v busybox || true)"
  [ -n "$bb" ] || { log "busybox not found"; return 1; }
  if ! "$bb" --list >/dev/null 2>&1 || ldd "$bb" >/dev/null 2>&1; then
    # a dynamically linked busybox would not run in an empty root file system
    [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1 && bb=/bin/busybox
  fi
  root="$(mktemp -d)"
  mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/www" "$root/root" "$root/proc" "$root/sys" "$root/dev"
  chmod 1777 "$root/tmp"
  cp "$bb" "$root/bin/busybox"
  local applet
  for applet in $("$bb" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  echo '<h1>fks-test busybox</h1>' >"$root/www/index.html"
  tar -C "$root" -cf - . | docker_cli import \
      --change 'ENV PATH=/bin' --change 'CMD ["sh"]' - "$BASE_IMAGE" >/dev/null
  rm -rf "$root"
  log "imported $BASE_IMAGE"
}

setup_docker() {
  if ! command -v dockerd >/dev/null 2>&1 || ! command -v busybox >/dev/null 2>&1 \
     || ! command -v docker >/dev/null 2>&1; then
    local pkgs=()
    command -v dockerd >/dev/null 2>&1 || pkgs+=(docker.io)
    command -v docker >/dev/null 2>&1 || pkgs+=(docker.io)
    command -v busybox >/dev/null 2>&1 || pkgs+=(busybox-static)
    # shellcheck disable=SC2046
    apt_install $(printf '%s\n' "${pkgs[@]}" | sort -u) \
      || { engine_fail "could not install ${pkgs[*]} with apt-get"; return 0; }
  fi
  mkdir -p "$DOCKER_DIR"
  if engine_answers; then
    DOCKER_STATE="running"
  else
    if [ "$(id -u)" -ne 0 ]; then engine_fail "dockerd needs root (running as $(id -un))"; return 0; fi
    # a stale pid file / socket from a crashed engine
    if [ -f "$DOCKER_DIR/dockerd.pid" ] && kill -0 "$(cat "$DOCKER_DIR/dockerd.pid")" 2>/dev/null; then
      log "dockerd $(cat "$DOCKER_DIR/dockerd.pid") is alive but not answering; waiting"
    else
      rm -f "$DOCKER_SOCK" "$DOCKER_DIR/dockerd.pid"
      log "starting dockerd (log: $DOCKER_DIR/dockerd.log)"
      setsid nohup dockerd \
        --iptables=false --ip6tables=false --bridge=none --storage-driver=vfs \
        --data-root="$DOCKER_DIR/data" --exec-root="$DOCKER_DIR/exec" \
        --pidfile="$DOCKER_DIR/dockerd.pid" --host="unix://$DOCKER_SOCK" \
        >"$DOCKER_DIR/dockerd.log" 2>&1 </dev/null 9>&- &
      echo "$!" >"$DOCKER_DIR/started-by-setup.pid"
    fi
    local i
    for i in $(seq 1 60); do
      engine_answers && break
      if [ -f "$DOCKER_DIR/started-by-setup.pid" ] && ! kill -0 "$(cat "$DOCKER_DIR/started-by-setup.pid")" 2>/dev/null; then
        break
      fi
      sleep 0.5
    done
    if ! engine_answers; then
      local last
      last="$(grep -v '^\s*$' "$DOCKER_DIR/dockerd.log" 2>/dev/null | tail -n 1 | cut -c1-300 || true)"
      if [ -f "$DOCKER_DIR/started-by-setup.pid" ] && ! kill -0 "$(cat "$DOCKER_DIR/started-by-setup.pid")" 2>/dev/null; then
        engine_fail "dockerd exited: ${last:-no log output}"
      else
        engine_fail "dockerd did not answer on $DOCKER_SOCK within 30s: ${last:-no log output}"
      fi
      return 0
    fi
    DOCKER_STATE="started"
  fi
  if ! import_base_image; then
    engine_fail "could not import base image $BASE_IMAGE"
    return 0
  fi
  DOCKER_HOST_VALUE="unix://$DOCKER_SOCK"
}

if [ "$WANT_DOCKER" -eq 1 ]; then
  T0=$(now)
  setup_docker
  [ -n "$DOCKER_STATE" ] && DOCKER_STATE="$DOCKER_STATE in $(( $(now) - T0 ))s"
else
  DOCKER_REASON="skipped by --no-docker"
fi

# ---------------------------------------------------------------- 4. Chromium
CHROMIUM=""
CHROMIUM_REASON=""
find_chromium() { command -v chromium || command -v chromium-browser || true; }
if [ "$WANT_CHROMIUM" -eq 1 ]; then
  CHROMIUM="$(find_chromium)"
  if [ -z "$CHROMIUM" ]; then
    apt_install chromium || true
    CHROMIUM="$(find_chromium)"
  fi
  if [ -z "$CHROMIUM" ]; then
    CHROMIUM_REASON="chromium could not be installed with apt-get"
    log "$CHROMIUM_REASON"
  elif ! timeout 30 "$CHROMIUM" --headless --no-sandbox --disable-gpu --version >/dev/null 2>&1; then
    CHROMIUM_REASON="$CHROMIUM is installed but does not start"
    log "$CHROMIUM_REASON"
    CHROMIUM=""
  fi
else
  CHROMIUM_REASON="skipped by --no-chromium"
fi

# ---------------------------------------------------------------- 5. Redis and PostgreSQL
# Started once and reused: fixed high ports (FKS_REDIS_PORT / FKS_POSTGRES_PORT, else a free
# port when the fixed one is taken by something else), data under $FKS_CACHE. A failure never
# fails the script; env.sh then carries FKS_REDIS_UNAVAILABLE / FKS_POSTGRES_UNAVAILABLE.
DS_DIR="$FKS_CACHE/datastores"
REDIS_URL_VALUE=""; REDIS_REASON=""; REDIS_STATE=""; REDIS_SERVER=""
POSTGRES_URL_VALUE=""; POSTGRES_REASON=""; POSTGRES_STATE=""
RABBITMQ_URL_VALUE=""; RABBITMQ_REASON=""; RABBITMQ_STATE=""

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() {
  # pick_port WANTED: the wanted port when free, else any free one.
  if ! port_in_use "$1"; then echo "$1"; return; fi
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

redis_answers() { [ -n "$1" ] && [ "$(timeout 3 redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null)" = "PONG" ]; }

setup_redis() {
  if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    # policy-rc.d keeps the package's own service from starting on 6379.
    apt_install redis-server || { REDIS_REASON="could not install redis-server with apt-get"; return 0; }
  fi
  REDIS_SERVER="$(command -v redis-server)"
  mkdir -p "$DS_DIR/redis"
  local port
  port="$(cat "$DS_DIR/redis.port" 2>/dev/null || true)"
  if redis_answers "$port"; then REDIS_STATE="running"; REDIS_URL_VALUE="redis://127.0.0.1:$port/0"; return 0; fi
  port="$(pick_port "${FKS_REDIS_PORT:-46379}")"
  "$REDIS_SERVER" --bind 127.0.0.1 --port "$port" --daemonize yes --pidfile "$DS_DIR/redis.pid" \
    --dir "$DS_DIR/redis" --logfile "$DS_DIR/redis.log" --save "" --appendonly no 9>&- \
    || { REDIS_REASON="redis-server did not start: $(tail -n 1 "$DS_DIR/redis.log" 2>/dev/null)"; return 0; }
  local i
  for i in $(seq 1 50); do redis_answers "$port" && break; sleep 0.1; done
  if ! redis_answers "$port"; then REDIS_REASON="redis-server did not answer on 127.0.0.1:$port: $(tail -n 1 "$DS_DIR/redis.log" 2>/dev/null)"; return 0; fi
  echo "$port" >"$DS_DIR/redis.port"
  REDIS_STATE="started"
  REDIS_URL_VALUE="redis://127.0.0.1:$port/0"
}

amqp_answers() {
  # A broker answers the AMQP 0-9-1 protocol header with a Connection.Start method frame (type 1).
  [ -n "$1" ] && python3 - "$1" <<'PY' 2>/dev/null
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 2)
s.settimeout(2)
s.sendall(b"AMQP\x00\x00\x09\x01")
sys.exit(0 if s.recv(1) == b"\x01" else 1)
PY
}

setup_rabbitmq() {
  if [ ! -x /usr/sbin/rabbitmq-server ]; then
    apt_install rabbitmq-server || { RABBITMQ_REASON="could not install rabbitmq-server with apt-get"; return 0; }
  fi
  # The broker runs as the rabbitmq user, who cannot read under root's home: its files live in /tmp.
  local dir="${TMPDIR:-/tmp}/fks-rabbitmq" port
  port="$(cat "$DS_DIR/rabbitmq.port" 2>/dev/null || true)"
  if amqp_answers "$port"; then RABBITMQ_STATE="running"; RABBITMQ_URL_VALUE="amqp://guest:guest@127.0.0.1:$port/"; return 0; fi
  port="$(pick_port "${FKS_RABBITMQ_PORT:-45672}")"
  mkdir -p "$dir"
  echo "[]." >"$dir/enabled_plugins"
  printf 'listeners.tcp.default = 127.0.0.1:%s\nloopback_users = none\n' "$port" >"$dir/rabbitmq.conf"
  ! id rabbitmq >/dev/null 2>&1 || chown -R rabbitmq:rabbitmq "$dir"
  # Its own node name, Erlang distribution and epmd ports: nothing clashes with a system broker.
  # exec: no shell is left waiting on the broker with this script's output open.
  (cd "$dir" && exec env RABBITMQ_NODENAME=fks@localhost RABBITMQ_NODE_PORT="$port" RABBITMQ_DIST_PORT=$((port + 1)) \
    ERL_EPMD_PORT=$((port - 303)) RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" RABBITMQ_CONFIG_FILE="$dir/rabbitmq" \
    RABBITMQ_PID_FILE="$dir/pid" setsid /usr/sbin/rabbitmq-server) >"$DS_DIR/rabbitmq.log" 2>&1 9>&- </dev/null &
  local i
  for i in $(seq 1 150); do amqp_answers "$port" && break; sleep 0.2; done
  if ! amqp_answers "$port"; then RABBITMQ_REASON="rabbitmq-server did not answer on 127.0.0.1:$port: $(grep -m1 -i error "$DS_DIR/rabbitmq.log" 2>/dev/null || tail -n 1 "$DS_DIR/rabbitmq.log" 2>/dev/null)"; return 0; fi
  echo "$port" >"$DS_DIR/rabbitmq.port"
  echo "$dir" >"$DS_DIR/rabbitmq.dir"
  RABBITMQ_STATE="started"
  RABBITMQ_URL_VALUE="amqp://guest:guest@127.0.0.1:$port/"
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

setup_postgres() {
  local bin
  bin="$(pg_bin)"
  if [ -z "$bin" ]; then
    apt_install postgresql || { POSTGRES_REASON="could not install postgresql with apt-get"; return 0; }
    bin="$(pg_bin)"
    [ -n "$bin" ] || { POSTGRES_REASON="postgresql installed but no /usr/lib/postgresql/*/bin"; return 0; }
  fi
  # PostgreSQL refuses to run as root: as root it runs as the package's postgres user, whose
  # data folder must be reachable by it ($FKS_CACHE under /root is not).
  local as=() data="$DS_DIR/postgres"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || { POSTGRES_REASON="running as root and there is no postgres user"; return 0; }
    as=(runuser -u postgres --)
    mkdir -p "$data"
    chown postgres: "$data" 2>/dev/null || true
    if ! runuser -u postgres -- test -w "$data" 2>/dev/null; then
      rmdir "$data" 2>/dev/null || true
      data="/var/tmp/fks-postgres-$(printf '%s' "$FKS_CACHE" | sha256sum | cut -c1-12)"
    fi
  fi
  mkdir -p "$data"
  [ ${#as[@]} -eq 0 ] || chown postgres: "$data"
  chmod 700 "$data"
  echo "$data" >"$DS_DIR/postgres.dir"
  local pgdata="$data/data" port
  port="$(cat "$DS_DIR/postgres.port" 2>/dev/null || true)"
  # A server left by an interrupted run has no port file yet; its postmaster.pid names the port.
  [ -n "$port" ] || port="$(sed -n 4p "$pgdata/postmaster.pid" 2>/dev/null || true)"
  local url_for="postgresql://fks:fks@127.0.0.1"
  if [ -n "$port" ] && "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" 2>/dev/null; then
    echo "$port" >"$DS_DIR/postgres.port"
    POSTGRES_STATE="running"; POSTGRES_URL_VALUE="$url_for:$port/postgres"; return 0
  fi
  if [ ! -f "$pgdata/PG_VERSION" ]; then
    rm -rf "$pgdata"
    printf 'fks\n' >"$data/pwfile"
    [ ${#as[@]} -eq 0 ] || chown postgres: "$data/pwfile"
    "${as[@]}" "$bin/initdb" -D "$pgdata" -U fks --pwfile="$data/pwfile" --auth-local=trust --auth-host=scram-sha-256 \
      --no-sync -E UTF8 --locale=C >"$data/initdb.log" 2>&1 \
      || { POSTGRES_REASON="initdb failed: $(tail -n 1 "$data/initdb.log")"; return 0; }
  fi
  port="$(pick_port "${FKS_POSTGRES_PORT:-45432}")"
  "${as[@]}" "$bin/pg_ctl" -D "$pgdata" -l "$data/postgres.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $data -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=16MB -c max_connections=50" \
    start >/dev/null 2>&1 9>&- \
    || { POSTGRES_REASON="postgres did not start: $(tail -n 1 "$data/postgres.log" 2>/dev/null)"; return 0; }
  echo "$port" >"$DS_DIR/postgres.port"
  echo "$bin" >"$DS_DIR/postgres.bin"
  POSTGRES_STATE="started"
  POSTGRES_URL_VALUE="$url_for:$port/postgres"
}

# TLS beside plain connections (clients choose with sslmode): a self-signed certificate for
# 127.0.0.1 in the data folder and ssl = on, applied by a reload, so a server already running
# from an earlier run gets it too. A failure only leaves TLS off (FKS_POSTGRES_TLS_UNAVAILABLE).
POSTGRES_TLS_REASON=""
setup_postgres_tls() {
  local data pgdata as=()
  data="$(cat "$DS_DIR/postgres.dir")"; pgdata="$data/data"
  [ "$(id -u)" -ne 0 ] || as=(runuser -u postgres --)
  command -v openssl >/dev/null 2>&1 || apt_install openssl \
    || { POSTGRES_TLS_REASON="no openssl to make a certificate"; return 0; }
  if [ ! -s "$pgdata/server.crt" ] || [ ! -s "$pgdata/server.key" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=127.0.0.1" \
      -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
      -keyout "$pgdata/server.key" -out "$pgdata/server.crt" >/dev/null 2>&1 \
      || { POSTGRES_TLS_REASON="openssl could not make a certificate"; return 0; }
    chmod 600 "$pgdata/server.key"
    [ ${#as[@]} -eq 0 ] || chown postgres: "$pgdata/server.key" "$pgdata/server.crt"
  fi
  grep -q "^ssl = on" "$pgdata/postgresql.conf" || printf '\nssl = on\n' >>"$pgdata/postgresql.conf"
  "${as[@]}" "$(pg_bin)/pg_ctl" -D "$pgdata" reload >/dev/null 2>&1 9>&- \
    || { POSTGRES_TLS_REASON="pg_ctl reload failed"; return 0; }
}

if [ "$WANT_DATASTORES" -eq 1 ]; then
  mkdir -p "$DS_DIR"
  T0=$(now)
  setup_redis
  [ -z "$REDIS_REASON" ] || log "Redis unavailable: $REDIS_REASON"
  [ -n "$REDIS_STATE" ] && REDIS_STATE="$REDIS_STATE in $(( $(now) - T0 ))s"
  T0=$(now)
  setup_postgres
  [ -z "$POSTGRES_REASON" ] || log "PostgreSQL unavailable: $POSTGRES_REASON"
  if [ -n "$POSTGRES_URL_VALUE" ]; then
    setup_postgres_tls
    [ -z "$POSTGRES_TLS_REASON" ] || log "PostgreSQL TLS unavailable: $POSTGRES_TLS_REASON"
  fi
  [ -n "$POSTGRES_STATE" ] && POSTGRES_STATE="$POSTGRES_STATE in $(( $(now) - T0 ))s"
  T0=$(now)
  setup_rabbitmq
  [ -z "$RABBITMQ_REASON" ] || log "RabbitMQ unavailable: $RABBITMQ_REASON"
  [ -n "$RABBITMQ_STATE" ] && RABBITMQ_STATE="$RABBITMQ_STATE in $(( $(now) - T0 ))s"
else
  REDIS_REASON="skipped by --no-datastores"
  POSTGRES_REASON="skipped by --no-datastores"
  RABBITMQ_REASON="skipped by --no-datastores"
fi

# ---------------------------------------------------------------- 6. Express/Fastify route oracle
# The real express/fastify the route tests load fixture apps with: a test-only package
# (test/fixtures/routes-node), not a dependency of fks. Failure only skips those tests.
ORACLE_DIR="$REPO_ROOT/test/fixtures/routes-node"
ORACLE_STAMP="$ORACLE_DIR/node_modules/.fks-lock.sha256"
if [ -f "$ORACLE_DIR/package-lock.json" ]; then
  ORACLE_HASH="$(sha_of "$ORACLE_DIR/package-lock.json")"
  if [ -f "$ORACLE_STAMP" ] && [ "$(cat "$ORACLE_STAMP")" = "$ORACLE_HASH" ]; then
    ORACLE_STATE="cached"
  elif (cd "$ORACLE_DIR" && npm ci --no-audit --no-fund --loglevel=error --cache "$FKS_CACHE/npm" >&2); then
    echo "$ORACLE_HASH" >"$ORACLE_STAMP"
    ORACLE_STATE="installed"
  else
    ORACLE_STATE="UNAVAILABLE (npm ci failed in $ORACLE_DIR; the Express/Fastify oracle tests skip)"
    log "$ORACLE_STATE"
  fi
else
  ORACLE_STATE="UNAVAILABLE (no $ORACLE_DIR/package-lock.json)"
fi
log "route oracle node_modules: $ORACLE_STATE"

# ---------------------------------------------------------------- 7. Toxiproxy
# Shopify's Toxiproxy for network faults (fks chaos), built from Go modules once and cached
# (about 40 s), started on a fixed port of 127.0.0.1 (FKS_TOXIPROXY_PORT, else a free one) and
# reused. A failure never fails the script; env.sh then carries FKS_TOXIPROXY_UNAVAILABLE.
TOXIPROXY_VERSION="v2.12.0"
TOXI_DIR="$FKS_CACHE/toxiproxy"
TOXI_BIN="$TOXI_DIR/$TOXIPROXY_VERSION/server"
TOXIPROXY_URL_VALUE=""; TOXIPROXY_REASON=""; TOXIPROXY_STATE=""
toxiproxy_answers() { [ -n "$1" ] && timeout 3 curl -fsS "http://127.0.0.1:$1/version" >/dev/null 2>&1; }
setup_toxiproxy() {
  mkdir -p "$TOXI_DIR"
  if [ ! -x "$TOXI_BIN" ]; then
    command -v go >/dev/null 2>&1 || [ -x /usr/local/go/bin/go ] || { TOXIPROXY_REASON="no Go toolchain to build toxiproxy $TOXIPROXY_VERSION"; return 0; }
    local go_cmd; go_cmd="$(command -v go || echo /usr/local/go/bin/go)"
    log "building toxiproxy $TOXIPROXY_VERSION with go install (log: $TOXI_DIR/build.log)"
    mkdir -p "$(dirname "$TOXI_BIN")"
    GOBIN="$(dirname "$TOXI_BIN")" "$go_cmd" install "github.com/Shopify/toxiproxy/v2/cmd/server@$TOXIPROXY_VERSION" >"$TOXI_DIR/build.log" 2>&1 \
      || { TOXIPROXY_REASON="go install of toxiproxy failed: $(tail -n 1 "$TOXI_DIR/build.log")"; return 0; }
  fi
  local port
  port="$(cat "$TOXI_DIR/port" 2>/dev/null || true)"
  if toxiproxy_answers "$port"; then TOXIPROXY_STATE="running"; TOXIPROXY_URL_VALUE="http://127.0.0.1:$port"; return 0; fi
  port="$(pick_port "${FKS_TOXIPROXY_PORT:-48474}")"
  setsid nohup "$TOXI_BIN" -host 127.0.0.1 -port "$port" >"$TOXI_DIR/toxiproxy.log" 2>&1 </dev/null 9>&- &
  echo "$!" >"$TOXI_DIR/toxiproxy.pid"
  local i
  for i in $(seq 1 50); do toxiproxy_answers "$port" && break; sleep 0.1; done
  if ! toxiproxy_answers "$port"; then TOXIPROXY_REASON="toxiproxy did not answer on 127.0.0.1:$port: $(tail -n 1 "$TOXI_DIR/toxiproxy.log" 2>/dev/null)"; return 0; fi
  echo "$port" >"$TOXI_DIR/port"
  TOXIPROXY_STATE="started"
  TOXIPROXY_URL_VALUE="http://127.0.0.1:$port"
}
T0=$(now)
setup_toxiproxy
[ -z "$TOXIPROXY_REASON" ] || log "Toxiproxy unavailable: $TOXIPROXY_REASON"
[ -n "$TOXIPROXY_STATE" ] && TOXIPROXY_STATE="$TOXIPROXY_STATE in $(( $(now) - T0 ))s"

# ---------------------------------------------------------------- 8. Chaos Mesh validator
# Failure-tolerant: without it the Chaos Mesh export tests skip and print the reason.
CMV_BIN=""; CMV_REASON=""
if CMV_OUT="$(bash "$REPO_ROOT/scripts/env/chaos-mesh-validator.sh" 2>"$FKS_CACHE/chaos-mesh-validator.err")"; then CMV_BIN="$CMV_OUT"
else CMV_REASON="$(tail -n 1 "$FKS_CACHE/chaos-mesh-validator.err" 2>/dev/null || echo "build script failed")"; log "Chaos Mesh validator unavailable: $CMV_REASON"; fi

# ---------------------------------------------------------------- 9. Compose validator
# Failure-tolerant: without it the compose validity tests skip and print the reason.
CV_BIN=""; CV_REASON=""
if CV_OUT="$(bash "$REPO_ROOT/scripts/env/compose-validator.sh" 2>"$FKS_CACHE/compose-validator.err")"; then CV_BIN="$CV_OUT"
else CV_REASON="$(tail -n 1 "$FKS_CACHE/compose-validator.err" 2>/dev/null || echo "build script failed")"; log "Compose validator unavailable: $CV_REASON"; fi

# ---------------------------------------------------------------- env file
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
TMP_ENV="$(mktemp "$FKS_CACHE/env.sh.XXXXXX")"
{
  echo "# written by scripts/env/setup.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ); source it or parse the export lines"
  echo "export FKS_CACHE=$(q "$FKS_CACHE")"
  echo "export FKS_PYTHON=$(q "$FKS_PYTHON")"
  echo "export FKS_CARGO_TARGET=$(q "$CARGO_TARGET")"
  echo "export FKS_EXECUTION_BIN=$(q "$EXECUTION_BIN")"
  if [ -n "$DOCKER_HOST_VALUE" ]; then
    echo "export DOCKER_HOST=$(q "$DOCKER_HOST_VALUE")"
    echo "export FKS_DOCKER_BASE_IMAGE=$(q "$BASE_IMAGE")"
  else
    echo "export FKS_DOCKER_UNAVAILABLE=$(q "$DOCKER_REASON")"
  fi
  if [ -n "$CHROMIUM" ]; then
    echo "export FKS_CHROMIUM=$(q "$CHROMIUM")"
  else
    echo "export FKS_CHROMIUM_UNAVAILABLE=$(q "$CHROMIUM_REASON")"
  fi
  if [ -n "$REDIS_URL_VALUE" ]; then
    echo "export FKS_REDIS_URL=$(q "$REDIS_URL_VALUE")"
    echo "export FKS_REDIS_SERVER=$(q "$REDIS_SERVER")"
  else
    echo "export FKS_REDIS_UNAVAILABLE=$(q "$REDIS_REASON")"
  fi
  if [ -n "$POSTGRES_URL_VALUE" ]; then
    echo "export FKS_POSTGRES_URL=$(q "$POSTGRES_URL_VALUE")"
    [ -z "$POSTGRES_TLS_REASON" ] || echo "export FKS_POSTGRES_TLS_UNAVAILABLE=$(q "$POSTGRES_TLS_REASON")"
  else
    echo "export FKS_POSTGRES_UNAVAILABLE=$(q "$POSTGRES_REASON")"
  fi
  if [ -n "$RABBITMQ_URL_VALUE" ]; then
    echo "export FKS_RABBITMQ_URL=$(q "$RABBITMQ_URL_VALUE")"
  else
    echo "export FKS_RABBITMQ_UNAVAILABLE=$(q "$RABBITMQ_REASON")"
  fi
  if [ -n "$TOXIPROXY_URL_VALUE" ]; then
    echo "export FKS_TOXIPROXY_URL=$(q "$TOXIPROXY_URL_VALUE")"
  else
    echo "export FKS_TOXIPROXY_UNAVAILABLE=$(q "$TOXIPROXY_REASON")"
  fi
  if [ -n "$CMV_BIN" ]; then
    echo "export FKS_CHAOS_MESH_VALIDATE=$(q "$CMV_BIN")"
  else
    echo "export FKS_CHAOS_MESH_VALIDATE_UNAVAILABLE=$(q "$CMV_REASON")"
  fi
  if [ -n "$CV_BIN" ]; then
    echo "export FKS_COMPOSE_VALIDATE=$(q "$CV_BIN")"
  else
    echo "export FKS_COMPOSE_VALIDATE_UNAVAILABLE=$(q "$CV_REASON")"
  fi
} >"$TMP_ENV"
mv -f "$TMP_ENV" "$ENV_FILE"

if [ -n "$DOCKER_HOST_VALUE" ]; then DOCKER_SUMMARY="$DOCKER_STATE at $DOCKER_HOST_VALUE"
else DOCKER_SUMMARY="UNAVAILABLE ($DOCKER_REASON)"; fi
printf 'fks env ready in %ss: python %s; rust %s; docker %s; chromium %s; redis %s; postgres %s; rabbitmq %s; toxiproxy %s; env: %s\n' \
  "$(( $(now) - START ))" "$PY_STATE" "$RUST_STATE" "$DOCKER_SUMMARY" \
  "${CHROMIUM:-UNAVAILABLE ($CHROMIUM_REASON)}" \
  "${REDIS_URL_VALUE:+$REDIS_STATE at $REDIS_URL_VALUE}${REDIS_REASON:+UNAVAILABLE ($REDIS_REASON)}" \
  "${POSTGRES_URL_VALUE:+$POSTGRES_STATE on ${POSTGRES_URL_VALUE##*@}}${POSTGRES_REASON:+UNAVAILABLE ($POSTGRES_REASON)}" \
  "${RABBITMQ_URL_VALUE:+$RABBITMQ_STATE on ${RABBITMQ_URL_VALUE##*@}}${RABBITMQ_REASON:+UNAVAILABLE ($RABBITMQ_REASON)}" \
  "${TOXIPROXY_URL_VALUE:+$TOXIPROXY_STATE at $TOXIPROXY_URL_VALUE}${TOXIPROXY_REASON:+UNAVAILABLE ($TOXIPROXY_REASON)}" \
  "$ENV_FILE"
