# Shared settings of the local cluster scripts (sourced, not run).
# Everything they start is recorded under $GRID_RUN_DIR: <name>.pid and <name>.log per process, plus netns state.
GRID_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
GRID_RUN_DIR="${GRID_RUN_DIR:-${TMPDIR:-/tmp}/grid-local}"
GRID_REDIS_PORT="${GRID_REDIS_PORT:-6380}"
GRID_SILO_PORT_BASE="${GRID_SILO_PORT_BASE:-11111}"
GRID_GATEWAY_PORT_BASE="${GRID_GATEWAY_PORT_BASE:-30000}"
GRID_ADMIN_PORT_BASE="${GRID_ADMIN_PORT_BASE:-8080}"
GRID_SILO_DLL="${GRID_SILO_DLL:-$GRID_ROOT/src/Silo/bin/Release/net10.0/Grid.Silo.dll}"
GRID_MAX_MEMORY_BYTES="${GRID_MAX_MEMORY_BYTES:-268435456}"
GRID_STOP_TIMEOUT="${GRID_STOP_TIMEOUT:-75}"
# --netns: each silo in its own network namespace on a bridge (needs root and iproute2).
GRID_NETNS_BRIDGE="${GRID_NETNS_BRIDGE:-gridbr0}"
GRID_NETNS_PREFIX="${GRID_NETNS_PREFIX:-10.77.0}"

log() { printf '[grid-local] %s\n' "$*" >&2; }

# Whether the process in pid file $1 is alive.
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Waits until file $1 contains $2, while pid file $3 stays alive, for at most $4 seconds.
wait_for_line() {
  local file=$1 text=$2 pidfile=$3 timeout=$4 waited=0
  until grep -q "$text" "$file" 2>/dev/null; do
    if ! alive "$pidfile"; then log "$(basename "$pidfile" .pid) exited; see $file"; tail -n 20 "$file" >&2; return 1; fi
    if [ "$waited" -ge $((timeout * 10)) ]; then log "timed out waiting for '$text' in $file"; return 1; fi
    sleep 0.1; waited=$((waited + 1))
  done
}

# Stops the process of pid file $1: SIGTERM (SIGKILL with $2=kill), waits up to GRID_STOP_TIMEOUT s, then SIGKILL.
stop_pidfile() {
  local pidfile=$1 signal=${2:-TERM} pid waited=0
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill "-$signal" "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do
      if [ "$waited" -ge $((GRID_STOP_TIMEOUT * 10)) ]; then log "pid $pid still running after ${GRID_STOP_TIMEOUT}s: SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; break; fi
      sleep 0.1; waited=$((waited + 1))
    done
  fi
  rm -f "$pidfile"
}
