#!/usr/bin/env bash
# Profiles the Redis protocol endpoint of one silo and redis-server under the same redis-benchmark load: starts both on
# free loopback ports, warms the silo up, then for each of them runs `redis-benchmark -t TEST -P DEPTH -c 64` long
# enough to record every CPU on the machine for SECONDS inside the run, and summarizes the samples per process as
# CPU-µs per request (summarize.py).
#
#   bench/profile/profile-resp.sh OUT TEST DEPTH [SECONDS]
#
#   OUT     folder for each target's perf.data, processes.txt, redis-benchmark output and summary.md (created)
#   TEST    a redis-benchmark test: set, get, incr, lpush, rpop, mset
#   DEPTH   pipeline depth (-P): 1 or 16
#
# Needs perf, redis-server, redis-cli and redis-benchmark on PATH, and a Release build of src/Silo. Stops only what it started.
set -euo pipefail

if [[ $# -lt 3 ]]; then
    echo "usage: $0 OUT TEST DEPTH [SECONDS]" >&2
    exit 2
fi
out=$1 test=$2 depth=$3 seconds=${4:-4}
for tool in perf redis-server redis-cli redis-benchmark python3; do
    command -v "$tool" >/dev/null || { echo "$tool is not on PATH" >&2; exit 2; }
done
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
silo_dll=$repo/src/Silo/bin/Release/net10.0/Grid.Silo.dll
[[ -f $silo_dll ]] || { echo "$silo_dll is missing: build first (dotnet build -c Release Grid.sln)" >&2; exit 2; }
mkdir -p "$out"
out=$(cd "$out" && pwd)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() {
    local port=$1 deadline=$((SECONDS + 60))
    until redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; do
        ((SECONDS < deadline)) || { echo "nothing answers PING on port $port within 60 s" >&2; exit 1; }
        sleep 0.2
    done
}

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >"$out/redis-server.log" 2>&1 &
pids+=($!)
resp_port=$(free_port)
(cd "$repo" && DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 DOTNET_ENVIRONMENT=Production \
    Grid__Resp__Enabled=true Grid__Resp__Address=127.0.0.1 Grid__Resp__Port="$resp_port" \
    Grid__Clustering__SiloPort="$(free_port)" Grid__Clustering__GatewayPort="$(free_port)" Grid__Admin__Port=0 \
    Logging__LogLevel__Polly=Warning exec dotnet "$silo_dll") >"$out/silo.log" 2>&1 &
pids+=($!)
wait_port "$redis_port"
wait_port "$resp_port"

# The silo's data path compiled and tiered up before anything is measured: 20 s of the same load, as the benchmark's
# own warm-up gives fresh silos (a shorter one left the JIT at ~10 % of the silo's CPU in the recording).
warm_until=$((SECONDS + 20))
while ((SECONDS < warm_until)); do
    redis-benchmark -p "$resp_port" -t "$test" -P "$depth" -c 64 -n 100000 -q >/dev/null 2>&1
done

# Requests for about three times the recorded window at the rate a first short run shows.
for target in redis-server:$redis_port grid:$resp_port; do
    name=${target%%:*} port=${target##*:}
    rate=$(redis-benchmark -p "$port" -t "$test" -P "$depth" -c 64 -n 100000 -q 2>/dev/null | grep -Eo '[0-9.]+ requests per second' | grep -Eo '^[0-9.]+')
    requests=$(python3 -c "print(max(100000, int(float('$rate') * ($seconds + 4))))")
    dir=$out/$name
    mkdir -p "$dir"
    redis-benchmark -p "$port" -t "$test" -P "$depth" -c 64 -n "$requests" --csv >"$dir/redis-benchmark.csv" 2>"$dir/redis-benchmark.log" &
    bench=$!
    sleep 1.5
    ps -eo pid=,args= >"$dir/processes.txt"
    perf record -a -g -F 499 -o "$dir/perf.data" -- sleep "$seconds" 2>"$dir/perf-record.log"
    wait "$bench"
    measured=$(grep -Eo '"[0-9.]+"' "$dir/redis-benchmark.csv" | head -1 | tr -d '"')
    line="$name: redis-benchmark -t $test -P $depth -c 64, $requests requests, $measured requests/s"
    python3 "$here/summarize.py" "$dir/perf.data" "$dir/processes.txt" "$measured" 499 "$seconds" "$line" >"$dir/summary.md"
    echo "$line"
done
