#!/usr/bin/env bash
# Instruction-level profile of chosen .NET methods inside one benchmark cell: runs the benchmark, waits for the progress
# line that starts the cell, samples the harness and every silo with perf for a few seconds, copies the machine code of
# each JIT-compiled method whose name matches one of METHODS out of the live process (/proc/PID/mem, at the address the
# runtime's perf map gives), then counts the samples per instruction (annotate.py). Where summarize.py says which
# method costs, this says which load in it: a sample usually lands on the instruction after the one that waited, so a
# cache miss shows as a hot spot just below the load that missed.
#
#   METHODS='REGEX|REGEX...' bench/profile/annotate-methods.sh OUT TRIGGER DELAY SECONDS -- BENCH-ARGS...
#
#   METHODS  (environment) extended regex of perf-map method names, e.g. 'OpExecutor::Execute\(|SiloEntryGrain::Execute\('
#   OUT      folder for bench.log, perf.data, the perf maps, each method's code (<role>.<n>.bin, its name in .txt) and
#            its annotation (<role>.<n>.annotated.txt), created
#   TRIGGER  extended regex of the progress line after which to record (as profile-cell.sh)
#   DELAY    seconds to wait after that line before recording
#   SECONDS  seconds recorded (keep them inside the cell's measured window: pass --duration to the benchmark)
#
# Only the final (optimized, tier-1) code of a method is taken: it is what runs in a warmed-up cell. Needs perf, objdump
# (binutils) and a Release build of Grid.sln; stops only the benchmark it started.
set -euo pipefail

if [[ $# -lt 5 || $5 != "--" || -z ${METHODS:-} ]]; then
    echo "usage: METHODS='REGEX|...' $0 OUT TRIGGER DELAY SECONDS -- BENCH-ARGS..." >&2
    exit 2
fi
out=$1 trigger=$2 delay=$3 seconds=$4
shift 5
for tool in perf objdump python3; do
    command -v "$tool" >/dev/null || { echo "$tool is not on PATH (apt-get install linux-perf binutils python3)" >&2; exit 2; }
done
# Perf map only (no jitdump files).
source "$(dirname "$0")/cell-start.sh"
start_cell "$out" "$trigger" "$delay" 3 "$@"

# The harness is the benchmark's own process; the silos are its children running Grid.Silo.
roles=("$bench:harness")
n=0
for pid in $(pgrep -P "$bench" -f 'Grid\.Silo\.dll' || true); do
    n=$((n + 1))
    roles+=("$pid:silo$n")
done
pids=$(printf '%s\n' "${roles[@]}" | cut -d: -f1 | paste -sd,)
perf record -F 2999 -p "$pids" -o "$out/perf.data" -- sleep "$seconds" 2>"$out/perf-record.log"

# Copy each method's code while its process still runs (the map names where it lives).
for role in "${roles[@]}"; do
    pid=${role%%:*} name=${role##*:}
    [[ -f /tmp/perf-$pid.map ]] || continue
    cp "/tmp/perf-$pid.map" "$out/$name.map"
    python3 "$here/annotate.py" dump "$pid" "$out/$name.map" "$out/$name" "$METHODS"
done
wait "$bench"
trap - EXIT

prefixes=()
for text in "$out"/*.txt; do
    [[ $text == *.annotated.txt ]] || prefixes+=("${text%.txt}")
done
((${#prefixes[@]} > 0)) || { echo "no method matched '$METHODS' (see the perf maps in $out)" >&2; exit 1; }
python3 "$here/annotate.py" count "$out/perf.data" "${prefixes[@]}"
