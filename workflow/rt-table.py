#!/usr/bin/env python3
"""The PREEMPT_RT hardirq table of make evidence, from the console log of
the PREEMPT_RT boot (par_mode=rt, build/rt/boot-rt.log): what the reserve,
alloc_pages_nolock() and stock alloc_page(GFP_ATOMIC) gave a hard hrtimer,
and the first report the kernel printed after the stock allocation."""
import os
import re
import sys

# A kernel report: boot.sh's list.
REPORT = re.compile(open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                      "reports.re")).read().strip())


def main(path):
    lines = [l.rstrip("\n") for l in open(path, errors="replace")]
    vals = {}
    for l in lines:
        m = re.match(r"PAR-RT-(RESERVE|NOLOCK|STOCK) (\d+) (\d+)(?:.* hits=(\d+))?", l)
        if m:
            vals[m.group(1)] = (int(m.group(2)), int(m.group(3)), m.group(4))
    kernel = next((l[2:] for l in lines if l.startswith("# kernel ")), "?")
    uname = next((l[2:] for l in lines if "PREEMPT_RT" in l and l.startswith("# #")), "")
    if set(vals) != {"RESERVE", "NOLOCK", "STOCK"} or "PREEMPT_RT" not in uname:
        sys.exit(f"{path}: not a complete PREEMPT_RT run")
    after = lines[next(i for i, l in enumerate(lines) if l == "PAR-RT-STOCK-BEGIN"):]
    before = lines[:len(lines) - len(after)]
    if any(REPORT.search(l) for l in before):
        sys.exit(f"{path}: a report before the stock allocation")
    rep = [re.sub(r" at \S+$", "", re.sub(r"^\[ *[0-9.]+\] ", "", l))
           for l in after if REPORT.search(l)]

    # The reserve's row counts only pages the reserve served.
    if vals["RESERVE"][2] != str(vals["RESERVE"][0]):
        sys.exit(f"{path}: reserve row not all hits: {vals['RESERVE']}")

    def row(name, key):
        got, failed, _ = vals[key]
        return f"  {name:<36} got {got:>2} of {got + failed}"
    print(f"PREEMPT_RT, {kernel.split(',')[0]}, from a hard hrtimer")
    print("(HRTIMER_MODE_REL_PINNED_HARD) on CPU 0, lockdep on:")
    print(row("reserve (64 pages per node)", "RESERVE") + ", no report")
    print(row("every size 0: alloc_pages_nolock()", "NOLOCK"))
    print(row("stock alloc_page(GFP_ATOMIC)", "STOCK") + ", then:")
    for r in rep[:2]:
        print("    " + r[:66])
    if not rep:
        print("    no report")


if __name__ == "__main__":
    main(sys.argv[1])
