#!/usr/bin/env bash
# Stops one silo of the local cluster: SIGTERM (graceful hand-off), or SIGKILL with --kill (a crash).
#   deploy/local/stop.sh 2          deploy/local/stop.sh 2 --kill
set -euo pipefail
source "$(dirname "$0")/common.sh"
i=${1:-}
[[ "$i" =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 I [--kill]" >&2; exit 2; }
pidfile="$GRID_RUN_DIR/silo$i.pid"
alive "$pidfile" || { log "silo$i is not running"; exit 1; }
if [ "${2:-}" = "--kill" ]; then
  stop_pidfile "$pidfile" KILL
  log "silo$i killed"
else
  stop_pidfile "$pidfile" TERM
  log "silo$i stopped"
fi
