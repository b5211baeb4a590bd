#!/usr/bin/env python3
"""make hardening's kcsan-strict kernel: strict KCSAN reports races that
the rest of the kernel has by design (kernfs, lockdep), which the series
cannot fix. This filter reads a console on stdin and writes it to stdout
without the KCSAN reports in which no function of the series appears, in
either task's stack or the title; boot.sh then counts what is left, so a
report with a function of the series in it still fails the kernel.
  kcsan-filter.py SYMS OUT
SYMS: the series' function names, one per line. OUT: the titles of the
reports taken out, one per line, for the Reliability table.
  kcsan-filter.py --syms KSRC OBJDIR
prints the series' function names: those defined in the objects of the C
files the series adds and those whose definitions it adds to other C
files, less the names that the kernel (OBJDIR/System.map) defines more
often than the series does: a header's inline function that the compiler
emitted in the series' objects is everyone's.
"""
import collections
import os
import re
import subprocess
import sys

RULE = re.compile(r"^\[\s*[\d.]+\]\s*={40,}\s*$")
TITLE = re.compile(r"BUG: KCSAN: (?:data-race|assert: race) in (\S+)(?: / (\S+))?")
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


def git(ksrc, *args):
    return subprocess.run(["git", "-C", ksrc, *args], check=True, capture_output=True,
                          text=True).stdout


def base_name(sym):
    return sym.split(".")[0]  # par_quarantine.constprop.0


def series_syms(ksrc, objdir):
    added = git(ksrc, "diff", "--name-only", "--diff-filter=A", "base", "HEAD", "--", "*.c").split()
    ours = collections.Counter()
    for f in added:
        o = os.path.join(objdir, f[:-2] + ".o")
        if os.path.exists(o):
            for line in subprocess.run(["nm", "--defined-only", o], check=True,
                                       capture_output=True, text=True).stdout.splitlines():
                fields = line.split()
                if len(fields) == 3 and fields[1] in "tT":
                    ours[base_name(fields[2])] += 1
    # Definitions the series adds to other files: a line at column 0 that
    # opens a parameter list and does not end a declaration.
    diff = git(ksrc, "diff", "--diff-filter=M", "base", "HEAD", "--", "*.c")
    for m in re.finditer(r"^\+[a-z_][^;(]*?\b(\w+)\([^;]*$", diff, re.M):
        ours[m.group(1)] += 1
    kernel = collections.Counter()
    for line in open(os.path.join(objdir, "System.map")):
        fields = line.split()
        if len(fields) == 3 and fields[1] in "tT":
            kernel[base_name(fields[2])] += 1
    return sorted(n for n, c in ours.items() if kernel[n] <= c)


def main(argv):
    if argv[1:2] == ["--syms"]:
        print("\n".join(series_syms(argv[2], argv[3])))
        return
    syms = {l.strip() for l in open(argv[1]) if l.strip()}
    if not syms:
        sys.exit(f"{argv[1]}: no function of the series")
    lines = sys.stdin.read().splitlines(keepends=True)
    out, dropped, i = [], [], 0
    while i < len(lines):
        # A report: a rule, "BUG: KCSAN: ..." next, up to the closing rule.
        # A report without its closing rule (the console cut short) is
        # kept whole.
        if RULE.match(lines[i]) and i + 1 < len(lines) and "BUG: KCSAN:" in lines[i + 1]:
            j = i + 1
            while j < len(lines) and j - i < 1000 and not RULE.match(lines[j]):
                j += 1
            if j < len(lines) and RULE.match(lines[j]):
                block = lines[i:j + 1]
                if series_report(block, syms):
                    out += block
                else:
                    t = TITLE.search(lines[i + 1])
                    dropped.append(t.group(0) if t else lines[i + 1].split("]", 1)[-1].strip())
                i = j + 1
                continue
        out.append(lines[i])
        i += 1
    sys.stdout.write("".join(out))
    with open(argv[2], "w") as f:
        f.write("".join(t + "\n" for t in dropped))


if __name__ == "__main__":
    main(sys.argv)
