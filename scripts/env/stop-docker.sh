#!/usr/bin/env bash
# Stop the Docker engine that scripts/env/setup.sh started (end of a CI run).
# Leaves images in $FKS_CACHE/docker/data, so the next setup.sh is fast.
# Also stops the Redis and PostgreSQL servers setup.sh started (their data stays) and Toxiproxy.
set -euo pipefail

FKS_CACHE="${FKS_CACHE:-$HOME/.cache/fks}"
DOCKER_DIR="$FKS_CACHE/docker"
PID_FILE="$DOCKER_DIR/dockerd.pid"
ENV_FILE="$FKS_CACHE/env.sh"

# ---------------------------------------------------------------- Redis and PostgreSQL
DS_DIR="$FKS_CACHE/datastores"
mark_datastore_stopped() {
  # mark_datastore_stopped REDIS|POSTGRES|RABBITMQ: env.sh says why tests skip instead of naming a dead server.
  local name="$1" tmp
  if [ -f "$ENV_FILE" ] && grep -q "^export FKS_${name}_URL=" "$ENV_FILE"; then
    tmp="$(mktemp "$FKS_CACHE/env.sh.XXXXXX")"
    grep -v -e "^export FKS_${name}_URL=" -e "^export FKS_${name}_SERVER=" "$ENV_FILE" >"$tmp" || true
    echo "export FKS_${name}_UNAVAILABLE='stopped by scripts/env/stop-docker.sh; run scripts/env/setup.sh'" >>"$tmp"
    mv -f "$tmp" "$ENV_FILE"
  fi
}
stop_datastores() {
  local pid bin dir
  pid="$(cat "$DS_DIR/redis.pid" 2>/dev/null || true)"
  if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "redis-server" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    echo "stop-docker: stopped redis-server $pid"
  fi
  rm -f "$DS_DIR/redis.pid" "$DS_DIR/redis.port"
  mark_datastore_stopped REDIS
  bin="$(cat "$DS_DIR/postgres.bin" 2>/dev/null || true)"
  dir="$(cat "$DS_DIR/postgres.dir" 2>/dev/null || true)"
  if [ -n "$bin" ] && [ -n "$dir" ] && [ -f "$dir/data/postmaster.pid" ]; then
    local as=()
    [ "$(id -u)" -ne 0 ] || as=(runuser -u postgres --)
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
    echo "stop-docker: stopped postgres in $dir"
  fi
  rm -f "$DS_DIR/postgres.port"
  mark_datastore_stopped POSTGRES
  dir="$(cat "$DS_DIR/rabbitmq.dir" 2>/dev/null || true)"
  pid="$(cat "$dir/pid" 2>/dev/null || true)"
  if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "beam.smp" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    echo "stop-docker: stopped rabbitmq-server $pid"
  fi
  rm -f "$DS_DIR/rabbitmq.port"
  mark_datastore_stopped RABBITMQ
  # Toxiproxy (fks chaos): only the process setup.sh started, checked by its name.
  local tdir="$FKS_CACHE/toxiproxy"
  pid="$(cat "$tdir/toxiproxy.pid" 2>/dev/null || true)"
  if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "server" ] && grep -qs toxiproxy "/proc/$pid/cmdline"; then
    kill -TERM "$pid" 2>/dev/null || true
    echo "stop-docker: stopped toxiproxy $pid"
  fi
  rm -f "$tdir/toxiproxy.pid" "$tdir/port"
  mark_datastore_stopped TOXIPROXY
}
# On every exit path below, after the engine.
trap 'stop_datastores || true' EXIT

mark_env_stopped() {
  # Tests reading env.sh afterwards should skip with a reason, not hang on a dead socket.
  if [ -f "$ENV_FILE" ] && grep -q '^export DOCKER_HOST=' "$ENV_FILE"; then
    local tmp
    tmp="$(mktemp "$FKS_CACHE/env.sh.XXXXXX")"
    grep -v -e '^export DOCKER_HOST=' -e '^export FKS_DOCKER_BASE_IMAGE=' "$ENV_FILE" >"$tmp" || true
    echo "export FKS_DOCKER_UNAVAILABLE='engine stopped by scripts/env/stop-docker.sh; run scripts/env/setup.sh'" >>"$tmp"
    mv -f "$tmp" "$ENV_FILE"
  fi
}

if [ ! -f "$PID_FILE" ]; then
  echo "stop-docker: no engine started by setup.sh ($PID_FILE missing)"
  mark_env_stopped
  exit 0
fi
PID="$(cat "$PID_FILE")"
if ! kill -0 "$PID" 2>/dev/null; then
  echo "stop-docker: dockerd $PID is not running"
  rm -f "$PID_FILE"
  mark_env_stopped
  exit 0
fi
case "$(cat "/proc/$PID/comm" 2>/dev/null || echo dockerd)" in
  dockerd) ;;
  *) echo "stop-docker: pid $PID is not dockerd; leaving it alone" >&2; exit 1 ;;
esac

kill -TERM "$PID"
for _ in $(seq 1 60); do
  kill -0 "$PID" 2>/dev/null || break
  sleep 0.5
done
if kill -0 "$PID" 2>/dev/null; then
  echo "stop-docker: dockerd $PID did not stop in 30s; sending SIGKILL" >&2
  kill -KILL "$PID" 2>/dev/null || true
fi
# dockerd leaves its network namespace bind-mounted under the exec root.
if [ -d "$DOCKER_DIR/exec/netns" ]; then
  for ns in "$DOCKER_DIR"/exec/netns/*; do
    [ -e "$ns" ] || continue
    if grep -qsF " $ns " /proc/mounts; then umount "$ns" 2>/dev/null || umount -l "$ns" 2>/dev/null || true; fi
  done
fi
rm -f "$PID_FILE" "$DOCKER_DIR/started-by-setup.pid" "$DOCKER_DIR/docker.sock"
mark_env_stopped
echo "stop-docker: stopped dockerd $PID"
