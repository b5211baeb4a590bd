#!/usr/bin/env python3
"""make hardening's kcsan-strict kernel: strict KCSAN reports races that
the rest of the kernel has by design (kernfs, lockdep), which the series
cannot fix. This filter reads a console on stdin and writes it to stdout
without the KCSAN reports in which no function of the series appears, in
either task's stack or the title; boot.sh then counts what is left, so a
report with a function of the series in it still fails the kernel.
  kcsan-filter.py SYMS OUT
SYMS: the series' function names, one per line (nm of the objects of the
files the series adds). OUT: the titles of the reports taken out, one per
line, for the Reliability table.
"""
import re
import sys

RULE = re.compile(r"^\[\s*[\d.]+\]\s*={40,}\s*$")
TITLE = re.compile(r"BUG: KCSAN: [\w-]+ in (\S+)(?: / (\S+))?")
FRAME = re.compile(r"^\[\s*[\d.]+\]\s+([\w.]+)\+0x[0-9a-f]+/0x[0-9a-f]+")


def series_report(block, syms):
    for line in block:
        m = TITLE.search(line)
        if m and any(f in syms for f in m.groups() if f):
            return True
        m = FRAME.match(line)
        if m and m.group(1).split(".")[0] in syms:
            return True
    return False


def main(argv):
    syms = {l.strip() for l in open(argv[1]) if l.strip()}
    if not syms:
        sys.exit(f"{argv[1]}: no function of the series")
    lines = sys.stdin.read().splitlines(keepends=True)
    out, dropped, i = [], [], 0
    while i < len(lines):
        # A report: a rule, "BUG: KCSAN: ..." next, up to the closing rule.
        if RULE.match(lines[i]) and i + 1 < len(lines) and "BUG: KCSAN:" in lines[i + 1]:
            j = i + 1
            while j < len(lines) and not RULE.match(lines[j]):
                j += 1
            block = lines[i:j + 1]
            if series_report(block, syms):
                out += block
            else:
                dropped.append(TITLE.search(lines[i + 1]).group(0))
            i = j + 1
            continue
        out.append(lines[i])
        i += 1
    sys.stdout.write("".join(out))
    with open(argv[2], "w") as f:
        f.write("".join(t + "\n" for t in dropped))


if __name__ == "__main__":
    main(sys.argv)
