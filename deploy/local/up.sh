#!/usr/bin/env bash
# Starts a local Grid cluster: redis-server (membership) and N silo processes on this machine.
#   deploy/local/up.sh 3            # redis on 127.0.0.1:6380, silos on ports 11111.., gateways 30000.., admin 8080..
#   deploy/local/up.sh 4            # again with a larger N: starts only the missing silos (scale out)
#   deploy/local/up.sh 3 --netns    # each silo in its own network namespace (root), addresses 10.77.0.11..
#   deploy/local/stop.sh 2 [--kill] # stop (SIGTERM) or kill (SIGKILL) silo 2;  deploy/local/down.sh stops everything
# Settings: GRID_RUN_DIR (pids, logs), GRID_REDIS_PORT, GRID_*_PORT_BASE, GRID_SILO_DLL, GRID_MAX_MEMORY_BYTES.
set -euo pipefail
source "$(dirname "$0")/common.sh"

count=${1:-}
netns=0
[ "${2:-}" = "--netns" ] && netns=1
if ! [[ "$count" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 N [--netns]   (N = number of silos, 1 or more)" >&2
  exit 2
fi

mkdir -p "$GRID_RUN_DIR"
command -v redis-server >/dev/null || { log "redis-server is not installed (apt-get install -y redis-server)"; exit 1; }
if [ ! -f "$GRID_SILO_DLL" ]; then
  log "building the silo (Release)"
  dotnet build "$GRID_ROOT/src/Silo/Grid.Silo.csproj" -c Release -nologo -clp:ErrorsOnly >&2
fi

redis_host=127.0.0.1
if [ "$netns" = 1 ]; then
  [ "$(id -u)" = 0 ] || { log "--netns needs root"; exit 1; }
  if ! ip link show "$GRID_NETNS_BRIDGE" >/dev/null 2>&1; then
    ip link add "$GRID_NETNS_BRIDGE" type bridge
    ip addr add "$GRID_NETNS_PREFIX.1/24" dev "$GRID_NETNS_BRIDGE"
    ip link set "$GRID_NETNS_BRIDGE" up
    echo "$GRID_NETNS_BRIDGE" > "$GRID_RUN_DIR/bridge"
  fi
  redis_host="$GRID_NETNS_PREFIX.1"
fi

# Redis: the membership table.
if ! alive "$GRID_RUN_DIR/redis.pid"; then
  # On the bridge there is no password: protected mode would refuse the silos in their namespaces.
  bind="127.0.0.1"; extra=(); [ "$netns" = 1 ] && bind="127.0.0.1 $redis_host" && extra=(--protected-mode no)
  redis-server --port "$GRID_REDIS_PORT" --bind $bind --save "" --appendonly no "${extra[@]}" > "$GRID_RUN_DIR/redis.log" 2>&1 &
  echo $! > "$GRID_RUN_DIR/redis.pid"
  wait_for_line "$GRID_RUN_DIR/redis.log" "Ready to accept connections" "$GRID_RUN_DIR/redis.pid" 15
  log "redis-server on $redis_host:$GRID_REDIS_PORT (pid $(cat "$GRID_RUN_DIR/redis.pid"))"
fi
echo "$redis_host:$GRID_REDIS_PORT" > "$GRID_RUN_DIR/redis.address"

started=()
for i in $(seq 1 "$count"); do
  name="silo$i"
  pidfile="$GRID_RUN_DIR/$name.pid"
  alive "$pidfile" && continue
  silo_port=$((GRID_SILO_PORT_BASE + i - 1)); gateway_port=$((GRID_GATEWAY_PORT_BASE + i - 1)); admin_port=$((GRID_ADMIN_PORT_BASE + i - 1))
  address=127.0.0.1; runner=()
  if [ "$netns" = 1 ]; then
    ns="grid-$i"; address="$GRID_NETNS_PREFIX.$((10 + i))"
    if ! ip netns list | grep -qw "$ns"; then
      ip netns add "$ns"
      ip link add "gridv$i" type veth peer name eth0 netns "$ns"
      ip link set "gridv$i" master "$GRID_NETNS_BRIDGE" up
      ip -n "$ns" addr add "$address/24" dev eth0
      ip -n "$ns" link set eth0 up
      ip -n "$ns" link set lo up
      ip -n "$ns" route add default via "$GRID_NETNS_PREFIX.1"
      echo "$ns" >> "$GRID_RUN_DIR/netns"
    fi
    runner=(ip netns exec "$ns")
    # Separate namespaces: every silo can use the default ports.
    silo_port=$GRID_SILO_PORT_BASE; gateway_port=$GRID_GATEWAY_PORT_BASE; admin_port=$GRID_ADMIN_PORT_BASE
  fi
  env Grid__Clustering__Redis="$redis_host:$GRID_REDIS_PORT" \
      Grid__Clustering__AdvertisedAddress="$address" \
      Grid__Clustering__SiloPort="$silo_port" \
      Grid__Clustering__GatewayPort="$gateway_port" \
      Grid__Clustering__SiloName="$name" \
      Grid__Admin__Address="$address" \
      Grid__Admin__Port="$admin_port" \
      Grid__MaxMemoryBytes="$GRID_MAX_MEMORY_BYTES" \
      DOTNET_gcServer=0 \
      "${runner[@]}" dotnet "$GRID_SILO_DLL" > "$GRID_RUN_DIR/$name.log" 2>&1 &
  echo $! > "$pidfile"
  echo "$address $silo_port $gateway_port $admin_port" > "$GRID_RUN_DIR/$name.address"
  started+=("$name")
done

for name in "${started[@]}"; do
  wait_for_line "$GRID_RUN_DIR/$name.log" "Grid silo ready" "$GRID_RUN_DIR/$name.pid" 90
  read -r address silo_port gateway_port admin_port < "$GRID_RUN_DIR/$name.address"
  log "$name ready: gateway $address:$gateway_port, health http://$address:$admin_port/health/ready (pid $(cat "$GRID_RUN_DIR/$name.pid"))"
done

log "cluster up. Clients: GridClient__Clustering__Redis=$redis_host:$GRID_REDIS_PORT  (grid --cluster $redis_host:$GRID_REDIS_PORT stats)"
log "logs and pids: $GRID_RUN_DIR; stop with deploy/local/down.sh"
