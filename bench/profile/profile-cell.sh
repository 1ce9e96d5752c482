#!/usr/bin/env bash
# Profiles one benchmark cell with perf: runs the benchmark with the given arguments, waits for the progress line that
# starts the cell, then records every CPU on the machine (all processes, call stacks) for a few seconds inside the
# cell's measured window, and summarizes the samples per process as CPU-µs per operation (summarize.py).
#
#   bench/profile/profile-cell.sh OUT TRIGGER DELAY SECONDS -- BENCH-ARGS...
#
#   OUT      folder for bench.log, perf.data, processes.txt and summary.md (created)
#   TRIGGER  extended regex of the progress line after which to record, e.g. '\.\.\. grid 1s 100B 90/10 uniform N=64$'
#   DELAY    seconds to wait after that line (past the cell's warm-up) before recording
#   SECONDS  seconds recorded (keep them inside the cell's measured window: pass --duration to the benchmark)
#   BENCH-ARGS  the benchmark's own arguments; a throughput run needs --plain (progress as lines) and should name
#            --results "OUT/results"
#   RESULT   (environment, optional) extended regex of the log line carrying the cell's ops/s; default: TRIGGER's
#            text after '... ' as the start of a '[i/n]' result line
#
# Needs perf (linux-perf) with perf_event_paranoid <= 2, and a Release build of Grid.sln (the benchmark's dll is run as
# built, so that the process this script stops on failure is the benchmark itself).
# The .NET processes write /tmp/perf-PID.map (DOTNET_PerfMapEnabled=1) so that JIT-compiled methods have names.
set -euo pipefail

if [[ $# -lt 5 || $5 != "--" ]]; then
    echo "usage: $0 OUT TRIGGER DELAY SECONDS -- BENCH-ARGS..." >&2
    exit 2
fi
out=$1 trigger=$2 delay=$3 seconds=$4
shift 5
command -v perf >/dev/null || { echo "perf is not on PATH (apt-get install linux-perf)" >&2; exit 2; }
source "$(dirname "$0")/cell-start.sh"
start_cell "$out" "$trigger" "$delay" 1 "$@"
ps -eo pid=,args= >"$out/processes.txt"
perf record -a -g -F 499 -o "$out/perf.data" -- sleep "$seconds" 2>"$out/perf-record.log"
wait "$bench"
trap - EXIT

if [[ -z ${RESULT:-} ]]; then
    cell=$(grep -Eo "$trigger" "$log" | head -1 | sed -e 's/^\.\.\. //' -e 's/\$$//')
    RESULT="\] $cell "
fi
line=$(grep -E -- "$RESULT" "$log" | grep -E 'ops/s|keys/s' | head -1 || true)
if [[ -z $line ]]; then
    echo "no result line matched '$RESULT' (see $log)" >&2
    exit 1
fi
rate=$(grep -Eo '[0-9][0-9,]* (ops|keys)/s' <<<"$line" | head -1 | grep -Eo '^[0-9,]+' | tr -d ,)
echo "$line" >"$out/cell.txt"
python3 "$here/summarize.py" "$out/perf.data" "$out/processes.txt" "$rate" 499 "$seconds" "$line" >"$out/summary.md"
cat "$out/summary.md"
