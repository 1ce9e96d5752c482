#!/usr/bin/env python3
"""Grid's own code in a profile-cell.sh output, per process: CPU-µs per operation of the samples whose innermost frame
is a method of Grid's assemblies (self time: what the code itself costs, its cache misses included, callees not), the
process's total, and the hottest such methods. Compares builds where summary.md's categories are too coarse (the
store's chain of cache misses shows here as the time of the methods that wait for it).

usage: own-code.py OUT [OUT...]   (profile-cell.sh folders; needs perf on PATH; 6-s recordings at 499 Hz, as it takes)
"""
import collections
import re
import subprocess
import sys

if len(sys.argv) < 2:
    sys.exit(__doc__)
FREQUENCY, SECONDS = 499, 6
for out in sys.argv[1:]:
    cell = open(f"{out}/cell.txt", encoding="utf-8").read()
    rate = float(re.search(r"([\d,]+) ops/s", cell).group(1).replace(",", ""))
    per_op = 1 / FREQUENCY / (rate * SECONDS) * 1e6
    print(f"== {out}: {rate:,.0f} ops/s")
    for line in open(f"{out}/processes.txt", encoding="utf-8", errors="replace"):
        parts = line.split(None, 1)
        if len(parts) < 2 or not ("Grid.Silo.dll" in parts[1] or ("Grid.Bench.dll" in parts[1] and "dotnet" in parts[1].split()[0])):
            continue
        pid, role = parts[0], "silo" if "Grid.Silo.dll" in parts[1] else "harness"
        script = subprocess.run(["perf", "script", "-i", f"{out}/perf.data", "--pid", pid, "-F", "ip,sym"],
                                capture_output=True, text=True, check=True).stdout
        methods, total = collections.Counter(), 0
        for sample in script.split("\n\n"):
            frames = [f.strip() for f in sample.strip().split("\n") if f.strip()]
            if not frames:
                continue
            total += 1
            top = frames[0].split(" ", 1)[1] if " " in frames[0] else frames[0]
            if "[Grid." in top:
                methods[re.sub(r"\[(Optimized|OptimizedTier1|Tier1|QuickJitted)\]|\+0x[0-9a-f]+|^instance ", "", top).strip()[:120]] += 1
        print(f"  {role} {pid}: {total * per_op:.2f} CPU-µs/op, Grid's own code {sum(methods.values()) * per_op:.3f}")
        for method, samples in methods.most_common(8):
            print(f"    {samples * per_op:.3f}  {method}")
