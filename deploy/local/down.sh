#!/usr/bin/env bash
# Stops the local cluster started by up.sh: every silo gracefully (in parallel), then redis-server, then the network
# namespaces and bridge it created. Only processes recorded in $GRID_RUN_DIR are touched.
set -euo pipefail
source "$(dirname "$0")/common.sh"
[ -d "$GRID_RUN_DIR" ] || { log "nothing to stop ($GRID_RUN_DIR does not exist)"; exit 0; }

pids=()
for pidfile in "$GRID_RUN_DIR"/silo*.pid; do
  [ -e "$pidfile" ] || continue
  stop_pidfile "$pidfile" TERM &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
stop_pidfile "$GRID_RUN_DIR/redis.pid" TERM

if [ -f "$GRID_RUN_DIR/netns" ]; then
  while read -r ns; do ip netns del "$ns" 2>/dev/null || true; done < "$GRID_RUN_DIR/netns"
  rm -f "$GRID_RUN_DIR/netns"
fi
if [ -f "$GRID_RUN_DIR/bridge" ]; then
  ip link del "$(cat "$GRID_RUN_DIR/bridge")" 2>/dev/null || true
  rm -f "$GRID_RUN_DIR/bridge"
fi
rm -f "$GRID_RUN_DIR"/*.address
log "cluster down (logs kept in $GRID_RUN_DIR)"
