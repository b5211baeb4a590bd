#!/usr/bin/env python3
"""The breakdown table of make breakdown (workflow/breakdown.sh).

  breakdown-table.py DIR CASE...

DIR/CASE-N/ holds boot N of CASE: raw.log (the kernel's console, with the
module's "bench: case=..." lines) and script.gz (perf script -F
comm,period,ip,sym,symoff of the boot, call chains leaf first); DIR's
disasm.txt (objdump -d of the functions in HOT) names the instructions. Only the samples
whose chain passes through bench_sample(), the module's timed loop, count,
less those under the calls it makes outside its timing
(page_atomic_reserve_work_seq() and page_atomic_reserve_page_state()).
Each sample's period is CPU time in ns; a function's share is that of
the samples with it in their chain below bench_sample() (inclusive), in
percent of the loop's. Perf's own cost lands in the profiled process too
(a sampling interrupt and a user call chain per sample), so its absolute
CPU time per pair is too high, but that cost is spread over the
functions in proportion to their time, and the shares hold. The ns
column is the median share over the boots times the median over the
boots of the bench's own clock median of the same boots: the typical
pair's time, split by the loop's shares (which are of the mean pair). The tree shows every
function with at least 2 % of the loop in some boot, to four levels
below the loop.
"""
import gzip
import re
import sys
from collections import defaultdict
from statistics import median

ROOT = "bench_sample"
UNTIMED = {"page_atomic_reserve_work_seq", "page_atomic_reserve_page_state"}
# The reserve's own code: its samples are also shown by instruction.
HOT = ("page_atomic_reserve_alloc", "page_atomic_reserve_free",
       "page_atomic_reserve_page_freed")


def disasm(d):
    """{(function, offset): instruction} from DIR/disasm.txt (objdump -d)."""
    insn, base, fn = {}, 0, None
    try:
        f = open(f"{d}/disasm.txt")
    except FileNotFoundError:
        return insn
    for line in f:
        m = re.match(r"([0-9a-f]+) <(\S+)>:", line)
        if m:
            base, fn = int(m.group(1), 16), m.group(2)
            continue
        m = re.match(r"\s+([0-9a-f]+):\s+(.*)", line)
        if m and fn:
            insn[(fn, int(m.group(1), 16) - base)] = " ".join(m.group(2).split())
    return insn


def samples(path):
    """Yield (period, [symbols leaf first], leaf offset) per sample."""
    period, chain, off = None, [], None
    with gzip.open(path, "rt", errors="replace") as f:
        for line in f:
            if not line.strip():
                continue
            if not line.startswith("\t"):  # a sample's header line
                if period is not None:
                    yield period, chain, off
                m = re.search(r"(\d+)\s*$", line.rstrip().rstrip(":"))
                period, chain, off = (int(m.group(1)) if m else 0), [], None
                continue
            parts = line.split(None, 1)
            sym = parts[1].rsplit(" (", 1)[0].strip() if len(parts) > 1 else "?"
            m = re.match(r"(.*)\+0x([0-9a-f]+)$", sym)
            if m:
                sym = m.group(1)
                if not chain:
                    off = int(m.group(2), 16)
            chain.append(sym)
    if period is not None:
        yield period, chain, off


def boot(d):
    """Return (pairs, median_ns, p99_ns, {path: percent of the loop},
    samples in the loop, {(function, offset): samples} of HOT's leaves)."""
    pairs = med = p99 = None
    for line in open(f"{d}/raw.log", errors="replace"):
        m = re.search(r"bench: case=\S+ cpus=\S+ samples=\d+ pairs=(\d+) .*"
                      r"median_ns=(\d+) p99_ns=(\d+)", line)
        if m:
            pairs, med, p99 = (int(x) for x in m.groups())
    if not pairs:
        sys.exit(f"{d}/raw.log: no bench result")
    incl = defaultdict(int)
    n = 0
    leaf = defaultdict(int)  # (function, offset) -> samples, for HOT
    for period, chain, off in samples(f"{d}/script.gz"):
        if ROOT not in chain:
            continue
        below = chain[:chain.index(ROOT)]
        if UNTIMED & set(below):
            continue
        n += 1
        if below and below[0] in HOT and off is not None:
            leaf[(below[0], off)] += 1
        path = (ROOT,)
        incl[path] += period
        seen = set()
        for sym in reversed(below):
            if sym in seen:  # recursion: count once
                continue
            seen.add(sym)
            path = path + (sym,)
            incl[path] += period
    root = incl[(ROOT,)] or 1
    return pairs, med, p99, {p: 100 * v / root for p, v in incl.items()}, n, leaf


def main():
    d, cases = sys.argv[1], sys.argv[2:]
    print()
    print("Share of the module's timed loop, in percent of its CPU time,")
    print("of each function and what it calls, one column per boot (one")
    print("case per boot); ns: the median share times the median of the")
    print("boots' clock medians (ktime, 64 pairs per sample; the tail is")
    print("not shown: perf's sampling interrupts land in it).")
    for c in cases:
        boots = []
        n = 1
        while True:
            try:
                boots.append(boot(f"{d}/{c}-{n}"))
            except FileNotFoundError:
                break
            n += 1
        if not boots:
            sys.exit(f"no boot of {c} in {d}")
        print()
        print(f"{c}: {boots[0][0]} pairs per boot; perf samples in the loop: "
              + " ".join(str(b[4]) for b in boots))
        clock = median(b[1] for b in boots)
        print(f"  {'clock median, ns per pair':44s}" + "".join(f"{b[1]:6d}" for b in boots))
        paths = set()
        for b in boots:
            for p, v in b[3].items():
                if len(p) <= 5 and v >= 2.0:
                    paths.add(p)

        def ns(p):
            return [b[3].get(p, 0.0) for b in boots]

        def walk(p, depth):
            v = ns(p)
            name = ("  " * depth + p[-1])[:44]
            print(f"  {name:44s}" + "".join(f"{x:6.1f}" for x in v)
                  + f"{median(v) * clock / 100:7.1f}")
            kids = sorted((q for q in paths if len(q) == len(p) + 1 and q[:-1] == p),
                          key=lambda q: -median(ns(q)))
            for q in kids:
                walk(q, depth + 1)
        walk((ROOT,), 0)
        hot(d, c, boots)


def hot(d, c, boots):
    """The instructions of HOT with most samples, over the boots: a
    sample lands on the instruction after the one that waited (skid),
    so the one before it is printed as well."""
    insn = disasm(d)
    tot = defaultdict(int)
    for b in boots:
        for k, v in b[5].items():
            tot[k] += v
    for fn in HOT:
        ks = sorted((k for k in tot if k[0] == fn), key=lambda k: -tot[k])
        own = sum(tot[k] for k in ks)
        if not own:
            continue
        print(f"  {fn}'s own samples ({own}), by instruction:")
        offs = sorted(o for (f, o) in insn if f == fn)
        for k in ks[:5]:
            prev = max((o for o in offs if o < k[1]), default=None)
            what = insn.get((fn, prev), "?") + " | " + insn.get(k, "?")
            print(f"    {100 * tot[k] / own:3.0f}%  +{k[1]:#x} after {what}"[:72])


if __name__ == "__main__":
    main()
