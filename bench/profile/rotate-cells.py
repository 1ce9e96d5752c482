#!/usr/bin/env python3
"""Reads rotate.sh's runs: per throughput cell, each build's grid / redis ratio (geometric mean over its rounds) and its
ratio to the first build's, both by that ratio (each run against the redis-server it measured) and per system (the grid's
own ops/s against the baseline's); then the geometric means over the cells, and redis-server per system (how much the
machine, not the build, moved between the builds' runs).

usage: rotate-cells.py OUT NAME [NAME...]   (the first NAME is the baseline; runs are OUT/NAME-*/latest/results.csv)
"""
import collections
import csv
import glob
import math
import sys

if len(sys.argv) < 3:
    sys.exit(__doc__)
out, names = sys.argv[1], sys.argv[2:]


def geomean(values):
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def load(name):
    """cell -> system -> [ops/s per run]"""
    cells = collections.defaultdict(lambda: collections.defaultdict(list))
    for path in sorted(glob.glob(f"{out}/{name}-*/latest/results.csv")):
        for row in csv.DictReader(open(path, encoding="utf-8")):
            if row["section"] == "throughput":
                cell = f"{row['silos']}s {row['value_bytes']}B {row['get_percent']} {row['distribution']} N={row['concurrency']}"
                cells[cell][row["system"]].append(float(row["ops_per_s"]))
    return cells


data = {n: load(n) for n in names}
base = data[names[0]]
cells = [c for c in base if "grid" in base[c]]
print(f"{'cell':34}" + "".join(f"{n + ' g/r':>14}" for n in names) + "".join(f"{n + ' ratio':>14}{n + ' own':>12}" for n in names[1:]))
ratios = {n: [] for n in names}
by_ratio = {n: [] for n in names[1:]}
own = {n: [] for n in names[1:]}
redis = {n: [] for n in names[1:]}
for cell in cells:
    line = f"{cell:34}"
    r = {}
    for n in names:
        systems = data[n].get(cell, {})
        pairs = list(zip(systems.get("grid", []), systems.get("redis", [])))
        r[n] = geomean([g / x for g, x in pairs])
        ratios[n].append(r[n])
        line += f"{r[n]:>10.2f} ({len(pairs)})"
    for n in names[1:]:
        mine = data[n].get(cell, {})
        o = geomean(mine.get("grid", [])) / geomean(base[cell]["grid"])
        by_ratio[n].append(r[n] / r[names[0]])
        own[n].append(o)
        if mine.get("redis") and base[cell].get("redis"):
            redis[n].append(geomean(mine["redis"]) / geomean(base[cell]["redis"]))
        line += f"{r[n] / r[names[0]]:>14.3f}{o:>12.3f}"
    print(line)
print(f"{'geomean':34}" + "".join(f"{geomean(ratios[n]):>14.3f}" for n in names) + "".join(f"{geomean(by_ratio[n]):>14.3f}{geomean(own[n]):>12.3f}" for n in names[1:]))
for n in names[1:]:
    print(f"{n} against {names[0]}: by ratio {geomean(by_ratio[n]):.3f}, grid per system {geomean(own[n]):.3f}, redis-server per system {geomean(redis[n]):.3f}")
