#!/usr/bin/env python3
"""Reads rotate.sh's runs: per throughput cell, each build's grid / redis ratio (geometric mean over its rounds) and its
ratio to the first build's, both by that ratio (each run against the redis-server it measured) and per system (the grid's
own ops/s against the baseline's); then the geometric means over the cells, and redis-server per system (how much the
machine, not the build, moved between the builds' runs). Last, per cell, the round-by-round spread: each round's ratio
against the baseline's run of the same round, with a 95 % interval for their geometric mean (Student's t), so a cell's
shortfall can be told from the machine's noise (on a shared 2-core box one run moves 13-24 % against the next).

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


# Two-sided 95 % points of Student's t by degrees of freedom (beyond the table: 1.96).
T95 = {1: 12.71, 2: 4.30, 3: 3.18, 4: 2.78, 5: 2.57, 6: 2.45, 7: 2.36, 8: 2.31, 9: 2.26, 10: 2.23, 12: 2.18, 15: 2.13, 20: 2.09, 30: 2.04}


def t95(df):
    """The t point for df degrees of freedom; between the table's rows, the row below (the wider interval)."""
    return 1.96 if df > 30 else T95[max(d for d in T95 if d <= df)]


def interval(logs):
    """Geometric mean of the ratios whose logs are given, its 95 % interval, and one round's spread (log sd)."""
    mean = sum(logs) / len(logs)
    sd = math.sqrt(sum((x - mean) ** 2 for x in logs) / (len(logs) - 1))
    half = t95(len(logs) - 1) * sd / math.sqrt(len(logs))
    return f"{math.exp(mean):>8.3f}  [{math.exp(mean - half):.3f}, {math.exp(mean + half):.3f}]  one round moves {sd * 100:.0f} %"


def cell_of(row):
    return f"{row['silos']}s {row['value_bytes']}B {row['get_percent']} {row['distribution']} N={row['concurrency']}"


def runs(name):
    """round -> cell -> system -> ops/s of that round's run (rounds in the order of their folders)"""
    by_round = {}
    for path in sorted(glob.glob(f"{out}/{name}-*/latest/results.csv")):
        systems = collections.defaultdict(dict)
        for row in csv.DictReader(open(path, encoding="utf-8")):
            if row["section"] == "throughput":
                systems[cell_of(row)][row["system"]] = float(row["ops_per_s"])
        by_round[path[len(f"{out}/{name}-"):].split("/")[0]] = systems
    return by_round


def by_cell(by_round):
    """cell -> system -> [ops/s per run]"""
    cells = collections.defaultdict(lambda: collections.defaultdict(list))
    for systems in by_round.values():
        for cell, rates in systems.items():
            for system, rate in rates.items():
                cells[cell][system].append(rate)
    return cells


def ratios_by_round(by_round):
    """round -> cell -> grid/redis of that round's run"""
    return {t: {c: v["grid"] / v["redis"] for c, v in systems.items() if v.get("grid") and v.get("redis")} for t, systems in by_round.items()}


read = {n: runs(n) for n in names}
data = {n: by_cell(read[n]) for n in names}
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

base_rounds = ratios_by_round(read[names[0]])
for n in names[1:]:
    mine = ratios_by_round(read[n])
    paired = [t for t in mine if t in base_rounds]
    print(f"\n{n} against {names[0]}, round by round ({len(paired)} paired rounds): ratio and 95 % interval")
    for cell in cells:
        logs = [math.log(mine[t][cell] / base_rounds[t][cell]) for t in paired if cell in mine[t] and cell in base_rounds[t]]
        if len(logs) >= 2:
            print(f"  {cell:34}{interval(logs)}")
    # All cells at once: each round's geometric mean over the cells both runs have.
    logs = []
    for t in paired:
        common = [c for c in cells if c in mine[t] and c in base_rounds[t]]
        if common:
            logs.append(sum(math.log(mine[t][c] / base_rounds[t][c]) for c in common) / len(common))
    if len(logs) >= 2:
        print(f"  {'all cells (geomean per round)':34}{interval(logs)}")
