#!/usr/bin/env python3
"""The two halves of annotate-methods.sh.

usage: annotate.py dump PID PERF.MAP PREFIX REGEX
       annotate.py count PERF.DATA PREFIX...

dump   copies the machine code of every optimized (tier-1) method in PERF.MAP whose name matches REGEX out of the live
       process PID (/proc/PID/mem) to PREFIX.<n>.bin, with "address size name" in PREFIX.<n>.txt.
count  counts the samples of PERF.DATA whose instruction pointer falls in each PREFIX's method (perf script gives the
       addresses, read once for all of them; the JIT's code has no symbols perf could disassemble), disassembles
       PREFIX.bin with objdump, and writes PREFIX.annotated.txt: the instructions around each hot one with their
       sample counts and shares of the method; prints each one's first two lines.
"""
import collections
import re
import subprocess
import sys

OPTIMIZED = ("[OptimizedTier1]", "[Optimized]")


def dump(pid, perf_map, prefix, pattern):
    wanted = re.compile(pattern)
    n = 0
    with open(f"/proc/{pid}/mem", "rb") as memory:
        for line in open(perf_map, encoding="utf-8", errors="replace"):
            parts = line.rstrip("\n").split(" ", 2)
            if len(parts) < 3 or not parts[2].endswith(OPTIMIZED) or not wanted.search(parts[2]):
                continue
            address, size = int(parts[0], 16), int(parts[1], 16)
            memory.seek(address)
            code = memory.read(size)
            n += 1
            with open(f"{prefix}.{n}.bin", "wb") as f:
                f.write(code)
            with open(f"{prefix}.{n}.txt", "w", encoding="utf-8") as f:
                f.write(f"{address:x} {size:x} {parts[2]}\n")


def count(perf_data, prefixes):
    script = subprocess.run(["perf", "script", "-i", perf_data, "-F", "ip"], capture_output=True, text=True, check=True).stdout
    ips = []
    for word in script.split():
        try:
            ips.append(int(word, 16))
        except ValueError:
            continue
    for prefix in prefixes:
        lines = annotate(prefix, ips)
        with open(f"{prefix}.annotated.txt", "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        print("\n".join(lines[:2]))


def annotate(prefix, ips):
    start, size, name = open(f"{prefix}.txt", encoding="utf-8").read().strip().split(" ", 2)
    start, size = int(start, 16), int(size, 16)
    hits = collections.Counter(ip - start for ip in ips if start <= ip < start + size)
    total = len(ips)

    listing = subprocess.run(["objdump", "-D", "-b", "binary", "-m", "i386:x86-64", "-M", "intel", f"{prefix}.bin"],
                             capture_output=True, text=True, check=True).stdout
    instructions = []
    for line in listing.splitlines():
        m = re.match(r"\s+([0-9a-f]+):\s+(?:[0-9a-f]{2} )+\s*(.*)", line)
        if m:
            instructions.append((int(m.group(1), 16), m.group(2)))

    inside = sum(hits.values())
    out = [name, f"{inside} of {total} samples in this method ({100 * inside / max(total, 1):.1f} % of the processes recorded)"]
    threshold = max(2, inside * 0.005)
    shown = set()
    for i, (offset, _) in enumerate(instructions):
        if hits.get(offset, 0) >= threshold:
            # The instructions before a hot one: the load it waited for is usually among them.
            shown.update(range(max(0, i - 6), min(len(instructions), i + 2)))
    previous = -2
    for i, (offset, text) in enumerate(instructions):
        if i not in shown:
            continue
        if i != previous + 1:
            out.append("   ...")
        c = hits.get(offset, 0)
        out.append(f"{c:7d} {100 * c / max(inside, 1):5.1f} %  {offset:5x}: {text}")
        previous = i

    return out


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "dump":
        dump(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
    elif len(sys.argv) >= 4 and sys.argv[1] == "count":
        count(sys.argv[2], sys.argv[3:])
    else:
        sys.exit(__doc__)
