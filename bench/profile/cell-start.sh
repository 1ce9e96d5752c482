# Sourced by profile-cell.sh and annotate-methods.sh: starts the benchmark and waits for one cell.
#
#   start_cell OUT TRIGGER DELAY PERFMAP BENCH-ARGS...
#
# Creates OUT (then an absolute path in $out, the log in $log), runs the Release build of the benchmark with BENCH-ARGS
# and DOTNET_PerfMapEnabled=PERFMAP (1: perf map and jitdump, 3: perf map only; W^X off so that JIT code runs at the
# address the map names) in the background as $bench (killed if the caller exits early: its EXIT trap), waits for the
# progress line matching the extended regex TRIGGER, then DELAY seconds. Sets $here and $repo as well.
start_cell() {
    out=$1
    local trigger=$2 delay=$3 perfmap=$4
    shift 4
    here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
    repo=$(cd "$here/../.." && pwd)
    mkdir -p "$out"
    out=$(cd "$out" && pwd)
    log=$out/bench.log

    local dll=$repo/bench/bin/Release/net10.0/Grid.Bench.dll
    [[ -f $dll ]] || { echo "$dll is missing: build first (dotnet build -c Release Grid.sln)" >&2; exit 2; }
    (cd "$repo" && DOTNET_PerfMapEnabled=$perfmap DOTNET_EnableWriteXorExecute=0 exec dotnet "$dll" "$@") >"$log" 2>&1 &
    bench=$!
    trap 'kill "$bench" 2>/dev/null || true' EXIT

    local deadline=$((SECONDS + 1800))
    until grep -Eq "$trigger" "$log"; do
        if ! kill -0 "$bench" 2>/dev/null; then
            echo "the benchmark ended before a line matched '$trigger' (see $log)" >&2
            exit 1
        fi
        if ((SECONDS > deadline)); then
            echo "no line matched '$trigger' within 30 minutes (see $log)" >&2
            exit 1
        fi
        sleep 0.2
    done
    sleep "$delay"
}
