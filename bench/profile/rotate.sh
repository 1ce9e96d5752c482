#!/usr/bin/env bash
# Rotating A/B rounds of the benchmark between builds (worktrees), each build with its own harness and silo, so that
# the machine's drift falls on every build alike. Each round runs every build once, in the order given.
#
#   bench/profile/rotate.sh OUT ROUNDS DIR:NAME [DIR:NAME...]
#
#   OUT      folder for the runs: OUT/NAME-ROUND/latest/results.csv and OUT/NAME-ROUND.log
#   ROUNDS   rounds
#   DIR      a checkout with a Release build of Grid.sln (run with --no-build); NAME labels its runs
#   BENCH_ARGS (environment) the benchmark's arguments; default: --quick --silos 1 --only redis,grid --duration 3
#
# Read the results with rotate-cells.py OUT NAME... (the first NAME is the baseline).
set -euo pipefail
if [[ $# -lt 3 ]]; then
    echo "usage: $0 OUT ROUNDS DIR:NAME [DIR:NAME...]" >&2
    exit 2
fi
out=$1 rounds=$2
shift 2
mkdir -p "$out"
read -r -a args <<<"${BENCH_ARGS:---quick --silos 1 --only redis,grid --duration 3}"
for ((i = 1; i <= rounds; i++)); do
    for spec in "$@"; do
        dir=${spec%%:*} name=${spec##*:}
        run="$out/$name-$i"
        if ! (cd "$dir" && dotnet run -c Release --no-build --project bench -- "${args[@]}" --plain --results "$run" >"$run.log" 2>&1); then
            echo "$(date +%T) $run failed (see $run.log)" >&2
            continue
        fi
        echo "$(date +%T) $run"
    done
done
