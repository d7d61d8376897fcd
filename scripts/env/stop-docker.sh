#!/usr/bin/env bash
# Stop the Docker engine that scripts/env/setup.sh started (end of a CI run).
# Leaves images in $FKS_CACHE/docker/data, so the next setup.sh is fast.
set -euo pipefail

FKS_CACHE="${FKS_CACHE:-$HOME/.cache/fks}"
DOCKER_DIR="$FKS_CACHE/docker"
PID_FILE="$DOCKER_DIR/dockerd.pid"
ENV_FILE="$FKS_CACHE/env.sh"

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
rm -f "$PID_FILE" "$DOCKER_DIR/started-by-setup.pid" "$DOCKER_DIR/docker.sock"
mark_env_stopped
echo "stop-docker: stopped dockerd $PID"
