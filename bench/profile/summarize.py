#!/usr/bin/env python3
"""Summarizes a system-wide `perf record -g` of one benchmark cell as CPU-µs per operation, per process.

usage: summarize.py PERF.DATA PROCESSES.TXT OPS_PER_SECOND FREQUENCY SECONDS [CELL-LINE]

PROCESSES.TXT is `ps -eo pid=,args=` taken while recording; it names each process's role (the harness, which is the
client of every system; a silo; redis-server). Each sample is put in a category by its innermost frame (kernel
scheduling, kernel networking, the runtime, the JIT, libc copies, Grid's code, Orleans' code, ...) and charged to the
innermost *managed* frame on its stack (so the kernel's socket work shows under the .NET method that made the call).
A sample is 1/FREQUENCY s of one CPU, so CPU-µs per operation = samples / FREQUENCY / (OPS_PER_SECOND * SECONDS) * 1e6.
"""
import collections
import re
import subprocess
import sys

if len(sys.argv) < 6:
    sys.exit(__doc__)
data, processes, rate, freq, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
cell = sys.argv[6] if len(sys.argv) > 6 else ""
ops = rate * seconds

roles = {}
for line in open(processes, encoding="utf-8", errors="replace"):
    parts = line.strip().split(None, 1)
    if len(parts) < 2 or not parts[0].isdigit():
        continue
    pid, args = parts
    if "Grid.Bench" in args:
        roles[pid] = "harness (client)"
    elif "Grid.Silo" in args:
        port = re.search(r"Gateway(?:Port)?[=: ]+(\d+)|--Grid:.*?Port=(\d+)", args)
        roles[pid] = "silo" + (f" {pid}" if port is None else f" {port.group(1) or port.group(2)}")
    elif args.startswith("redis-server") or "/redis-server" in args.split()[0]:
        roles[pid] = "redis-server " + (re.search(r":(\d+)", args).group(1) if re.search(r":(\d+)", args) else pid)
    elif "redis-benchmark" in args:
        roles[pid] = "redis-benchmark"

KERNEL_SCHED = re.compile(r"finish_task_switch|__schedule|^schedule|sched_|pick_next|dequeue_|enqueue_|update_curr|"
                          r"try_to_wake_up|ttwu|select_task_rq|psi_|_raw_spin_unlock_irqrestore|yield|set_next_entity|"
                          r"switch_mm|__switch_to|context_switch|cpuidle|native_safe_halt|do_idle|wake_up|idle")
KERNEL_NET = re.compile(r"tcp|^ip_|__ip|inet|sock|^sk_|skb|__dev_queue|dev_hard|loopback|net_rx|netif|napi|"
                        r"process_backlog|copy_user|_copy_to_iter|_copy_from_iter|rep_movs|__sys_sendto|__sys_recvfrom|"
                        r"sendmsg|recvmsg|nf_|__netif|csum|__kfree_skb|kmem_cache|__alloc_skb|page_frag|softirq|bh_enable|eth_")
KERNEL_WAIT = re.compile(r"epoll|ep_|futex|hrtimer|timerqueue|poll")
KERNEL_ENTRY = re.compile(r"entry_SYSCALL|syscall|exit_to_user|__x64_sys|irqentry|restore_regs|native_irq_return|"
                          r"asm_|error_entry|sysret|rseq|fdget|fput|__get_user|__put_user|__check_object_size|__virt_addr_valid|"
                          r"read_tsc|ktime_get")
KERNEL_MEMORY = re.compile(r"page_fault|clear_page|get_page_from_freelist|unmap_page|handle_mm_fault|do_anonymous_page|"
                           r"__alloc_pages|free_pages|zap_|madvise|mmap|folio")


def managed_category(sym):
    m = re.search(r"\]\s*([A-Za-z_][\w.`+<>]*?)::", sym) or re.search(r"([A-Za-z_][\w.]+)\.[\w`<>]+\(", sym)
    name = m.group(1) if m else sym
    if name.startswith("Grid."):
        return "managed: Grid"
    if name.startswith("Orleans.") or name.startswith("OrleansCodeGen."):
        return "managed: Orleans"
    if name.startswith("OpenTelemetry"):
        return "managed: metrics (OpenTelemetry)"
    if name.startswith("Polly"):
        return "managed: Polly"
    if name.startswith("StackExchange.Redis"):
        return "managed: StackExchange.Redis"
    if name.startswith("System.Net.") or name.startswith("System.IO.Pipelines") or name.startswith("Microsoft.AspNetCore"):
        return "managed: sockets and pipelines"
    if name.startswith("System.Threading"):
        return "managed: tasks and thread pool"
    if name.startswith("System.") or name.startswith("Microsoft."):
        return "managed: other .NET libraries"
    return "managed: other"


def category(comm, sym, dso):
    if dso == "[kernel.kallsyms]":
        if KERNEL_SCHED.search(sym):
            return "kernel: scheduling, wake-ups, idle"
        if KERNEL_NET.search(sym):
            return "kernel: networking (loopback TCP)"
        if KERNEL_WAIT.search(sym):
            return "kernel: epoll, futex, timers"
        if KERNEL_ENTRY.search(sym):
            return "kernel: system call entry and exit"
        if KERNEL_MEMORY.search(sym):
            return "kernel: page faults and memory"
        return "kernel: other"
    if "perf-" in dso and dso.endswith(".map"):
        if sym.startswith("stub ") or sym.startswith("dynamicClass"):
            return "runtime: stubs (interface dispatch, write barriers, P/Invoke)"
        return managed_category(sym)
    if "GC" in comm or "gc" == comm:
        return "runtime: GC threads"
    if "libclrjit" in dso or comm.startswith(".NET Tiered"):
        return "runtime: JIT"
    if "libcoreclr" in dso:
        return "runtime: libcoreclr (allocation, GC, stubs, thread pool; no symbols)"
    if "libc.so" in dso:
        if re.search(r"mem(move|cpy|set)|__memmove|__memset|__memcpy", sym):
            return "libc: memmove, memset"
        return "libc: other (pthread, syscall stubs)"
    if "redis" in dso:
        return "redis-server code"
    if "libSystem.Native" in dso or "libSystem" in dso:
        return "runtime: native shims"
    return "other: " + dso.rsplit("/", 1)[-1]


def clean(sym):
    sym = re.sub(r"\[(Optimized|Tier|PreJIT|QuickJitted|Instrumented)[^\]]*\]", "", sym)
    sym = re.sub(r"\[[\w.]+\]", "", sym)
    sym = re.sub(r"^(instance )?(void|bool|class \S+|valuetype \S+|int32|int64|uint8|uint16|uint32|object|string|!!\d+|!\d+|float64) ", "", sym.strip())
    sym = re.sub(r"\(.*", "", sym)
    return sym.strip()[:110]


out = subprocess.run(["perf", "script", "-i", data, "-F", "comm,pid,ip,sym,dso"], capture_output=True, text=True, check=True).stdout
samples = collections.Counter()
cats = collections.defaultdict(collections.Counter)
leaves = collections.defaultdict(collections.Counter)
callers = collections.defaultdict(collections.Counter)
kernel = collections.Counter()
frames, head = [], None


def flush():
    if head is None or not frames:
        return
    comm, pid = head
    role = roles.get(pid)
    if role is None:
        return
    ip_sym, dso = frames[0]
    samples[role] += 1
    c = category(comm, ip_sym, dso)
    cats[role][c] += 1
    if c.startswith("kernel"):
        kernel[role] += 1
    leaves[role][(clean(ip_sym) or "[unknown]") + ("" if "perf-" in dso else f" ({dso.rsplit('/', 1)[-1]})")] += 1
    caller = next((clean(s) for s, d in frames if "perf-" in d and d.endswith(".map")), None)
    callers[role][caller or f"(no managed frame; thread {comm})"] += 1


for line in out.splitlines():
    if not line.strip():
        continue
    if not line[0].isspace():
        flush()
        m = re.match(r"\s*(.*?)\s+(\d+)\s*$", line)
        head = (m.group(1), m.group(2)) if m else None
        frames = []
        continue
    m = re.match(r"\s*[0-9a-f]+\s+(.*)\s+\(([^()]*)\)\s*$", line)
    if m:
        frames.append((m.group(1), m.group(2)))
flush()


def per_op(n):
    return n / freq / ops * 1e6


print(f"# Profile: {cell}\n")
print(f"perf record -a -g -F {freq:.0f} for {seconds:.0f} s inside the cell; {rate:,.0f} operations/s; "
      f"CPU-µs per operation = samples ÷ {freq:.0f} Hz ÷ operations in the window.\n")
print("| process | CPU-µs/op | of it in the kernel |")
print("|---|---:|---:|")
for role, n in sorted(samples.items(), key=lambda kv: -kv[1]):
    print(f"| {role} | {per_op(n):.2f} | {100 * kernel[role] / n:.0f} % |")
print(f"| **all** | **{per_op(sum(samples.values())):.2f}** | {100 * sum(kernel.values()) / max(1, sum(samples.values())):.0f} % |")
for role, n in sorted(samples.items(), key=lambda kv: -kv[1]):
    if per_op(n) < 0.05:
        continue
    print(f"\n## {role}: {per_op(n):.2f} CPU-µs/op\n")
    print("| by innermost frame | CPU-µs/op | share |")
    print("|---|---:|---:|")
    for c, k in cats[role].most_common():
        if 100 * k / n >= 1:
            print(f"| {c} | {per_op(k):.2f} | {100 * k / n:.0f} % |")
    if any(not s.startswith("(no managed frame") for s in callers[role]):
        print("\n| charged to the innermost managed method (callees included: kernel, runtime, libc) | CPU-µs/op | share |")
        print("|---|---:|---:|")
        for s, k in callers[role].most_common(12):
            print(f"| `{s}` | {per_op(k):.2f} | {100 * k / n:.0f} % |")
    print("\n| hottest innermost frames | CPU-µs/op | share |")
    print("|---|---:|---:|")
    for s, k in leaves[role].most_common(10):
        print(f"| `{s}` | {per_op(k):.2f} | {100 * k / n:.0f} % |")
