#!/usr/bin/env python3
"""Compare kernels measured with the same harness, boot by boot.

  bench-compare.py LABEL=FILE ...

Each FILE is what workflow/bench.sh writes (every boot after a "# boot N"
line). For each case and kernel: the median over the boots of each boot's
median and p99 (ns per pair), and each boot's ratio to the stock case of
the same boot, so that a kernel is compared to the others through stock,
which the kernels share, and the spread between boots is in view."""
import re
import sys
from statistics import median


def boots(path):
    """[{case: (median_ns, p99_ns)}] per boot."""
    out = []
    for line in open(path):
        if line.startswith("# boot "):
            out.append({})
        m = re.match(r"bench: case=(\S+) .*median_ns=(\d+) p99_ns=(\d+)", line)
        if m:
            if not out:
                out.append({})
            out[-1][m.group(1)] = (int(m.group(2)), int(m.group(3)))
    return out


kernels = [(a.split("=", 1)[0], boots(a.split("=", 1)[1])) for a in sys.argv[1:]]
cases = [c for c in kernels[0][1][0] if all(c in b for _, bs in kernels for b in bs)]
print(f"{'case':17} {'kernel':8} {'median':>6} {'p99':>5}  median/stock per boot;"
      f" p99/stock per boot")
for c in cases:
    for label, bs in kernels:
        med = median(b[c][0] for b in bs)
        p99 = median(b[c][1] for b in bs)
        rm = " ".join(f"{b[c][0] / b['stock'][0]:.2f}" for b in bs)
        rp = " ".join(f"{b[c][1] / b['stock'][1]:.2f}" for b in bs)
        print(f"{c:17} {label:8} {med:6.0f} {p99:5.0f}  {rm}; {rp}")
