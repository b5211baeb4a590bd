#!/usr/bin/env python3
"""make hardening's Reliability table, from the consoles of its kernels
(build/hardening-NAME/boot-test.log, with hardening.meta and the counts
and reports boot.sh wrote next to it). No figure is typed by hand.
  hardening-table.py [--keep FILE] DIR...
                                the table (Markdown), for README; with
                                --keep, the rows of kernels that have no
                                console here are kept from FILE's table
  hardening-table.py --kunit DIR   fail unless the series' KUnit suite
                                   ran at boot with no failure
"""
import datetime
import os
import re
import sys

KUNIT = re.compile(r"^\[\s*[\d.]+\]\s+# page_atomic_reserve: pass:(\d+) fail:(\d+)"
                   r" skip:(\d+) total:(\d+)", re.M)
STORM = re.compile(r"^# (?:storm: )?(\d+) s, \d+ threads, \d+ rounds, allocations: "
                   r"(\d+) in process context, (\d+) in softirq, (\d+) in hardirq", re.M)
CONTROLS = re.compile(r"^# controls: (\d+) resizes, \d+ pcp_high or low_percent "
                      r"writes, CPU 1 offline (\d+) times", re.M)
FUZZ = re.compile(r"; (\d+) writes from two writers \(.*?\), (\d+) with another "
                  r"result, (\d+) values changed", re.M)
BLOCKS = re.compile(r"^# \d+ rounds over \d+ movable blocks: (\d+) offlined", re.M)
NOTBACK = re.compile(r"^# free pages: .*: (-?\d+) pages not back", re.M)
CHUNKS = re.compile(r"^# chunks: (\d+) descriptors in the index, (\d+) of their pages live, "
                    r"(\d+) with none; (\d+) pages held", re.M)
OOM = re.compile(r"^# hog exit \d+; (\d+) hardirq bursts of 64 while it ran: "
                 r"(\d+) pages, (\d+) failed", re.M)
LEAKS = re.compile(r"^# kmemleak: (\d+) unreferenced objects", re.M)


def read(path, default=""):
    try:
        return open(path, errors="replace").read()
    except OSError:
        return default


def meta(d):
    return dict(l.split("=", 1) for l in read(os.path.join(d, "hardening.meta")).splitlines()
                if "=" in l)


def kunit(log):
    m = KUNIT.search(log)
    return tuple(map(int, m.groups())) if m else None


def run(d):
    """The day the kernel's boot ended, this host (build/ is not carried
    to another machine) and QEMU's accelerator."""
    log = os.path.join(d, "boot-test.log")
    when = os.path.getmtime(log) if os.path.exists(log) else None
    cpu = re.search(r"^model name\s*: (.*)$", read("/proc/cpuinfo"), re.M)
    return ((datetime.datetime.fromtimestamp(when, datetime.timezone.utc).strftime("%Y-%m-%d")
             if when else "?") + f", {os.cpu_count()} x {cpu.group(1) if cpu else '?'}, "
            + read(os.path.join(d, "boot-test.accel"), "tcg").strip().upper())


def row(d):
    log = read(os.path.join(d, "boot-test.log"))
    md = meta(d)
    counts = read(os.path.join(d, "boot-test.counts"), "? ? ?").split()
    reports = [l for l in read(os.path.join(d, "boot-test.reports")).splitlines() if l]
    # kcsan-strict: the KCSAN reports with no function of the series.
    outside = [l for l in read(os.path.join(d, "boot-test.outside")).splitlines() if l]
    k = kunit(log)
    storms = STORM.findall(log)
    ctl = CONTROLS.search(log)
    fz = FUZZ.search(log)
    oom = OOM.search(log)
    leaks = LEAKS.search(log)

    def g(m, i=1):
        return m.group(i) if m else "?"
    return [
        md.get("kernel", os.path.basename(d.rstrip("/"))),
        run(d),
        md.get("args", "") or "-",
        "/".join(counts[:3]),
        "/".join(str(x) for x in (k[0], k[1], k[2])) if k else "not run",
        "+".join(s[0] for s in storms) or "?",
        str(sum(int(a) + int(b) + int(c) for _, a, b, c in storms)),
        g(ctl, 2), g(ctl, 1),
        f"{g(fz)} ({g(fz, 2)}/{g(fz, 3)})",
        g(BLOCKS.search(log)),
        f"{g(oom)}, {g(oom, 3)} failed",
        g(leaks) if leaks else "-",
        str(len(reports)) + (f" (+{len(outside)} outside)" if outside else ""),
        g(NOTBACK.search(log)),
        "/".join(CHUNKS.search(log).groups()) if CHUNKS.search(log) else "?",
        f"{md.get('build_s', '?')}/{md.get('boot_s', '?')}",
    ]


CHUNKS_HEAD = "chunks left/live pages/empty/pages held"
HEAD = ["kernel", "run (day, host, QEMU)", "boot options", "booted test pass/fail/skip", "KUnit pass/fail/skip",
        "storm s", "allocations", "CPU 1 offline", "resizes",
        "fuzzed writes (other result/changed)", "blocks offlined",
        "OOM bursts", "kmemleak", "reports", "pages not back", CHUNKS_HEAD,
        "build/boot s"]


ORDER = ["kasan", "kcsan", "kcsan-strict", "init-on", "rt"]


def kept(path):
    """The rows of FILE's Reliability table, by kernel."""
    s = read(path)
    m = re.search(r"<!-- reliability-table:begin -->(.*?)<!-- reliability-table:end -->", s, re.S)
    rows = {}
    for line in (m.group(1) if m else "").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("| ") or cells in (HEAD, [h for h in HEAD if h != CHUNKS_HEAD]):
            continue
        if len(cells) == len(HEAD) - 1:
            # A row from before the storm counted chunk descriptors.
            cells.insert(HEAD.index(CHUNKS_HEAD), "-")
        if len(cells) != len(HEAD):
            sys.exit(f"{path}: a row of the Reliability table has {len(cells)} cells, "
                     f"not {len(HEAD)}: {line}")
        rows[cells[0]] = cells
    return rows


def main(argv):
    if argv[:1] == ["--kunit"]:
        k = kunit(read(os.path.join(argv[1], "boot-test.log")))
        if not k or k[1] or k[0] == 0:
            sys.exit(f"{argv[1]}: KUnit suite page_atomic_reserve: "
                     + (f"pass {k[0]} fail {k[1]}" if k else "did not run"))
        return
    rows = {}
    if argv[:1] == ["--keep"]:
        rows, argv = kept(argv[1]), argv[2:]
    dirs = [d for d in argv if os.path.exists(os.path.join(d, "hardening.meta"))]
    if not dirs:
        sys.exit("no kernel of make hardening has a console")
    rows.update((r[0], r) for r in map(row, dirs))
    rel = re.search(r"^# kernel (\S+),", read(os.path.join(dirs[0], "boot-test.log")), re.M)
    print(f"`make hardening`: kernel {rel.group(1) if rel else '?'} (the series on "
          "the pinned base) under QEMU, 2 vCPUs, 2 NUMA nodes and a hot-plugged third. "
          "Run: the day the kernel's boot ended, the host's CPUs and QEMU's accelerator "
          "(TCG: emulated, no KVM); a kernel that did not "
          "run in the last `make hardening` keeps its row from the run before. Storm "
          "seconds: the "
          "storm of the booted test, then the one under memory hotplug. Allocations: "
          "both storms, every context. Reports: lines of the console that boot.sh "
          "counts as a kernel report (any fails the kernel); in kcsan-strict the KCSAN "
          "reports with no function of the series in their stacks or title are taken out "
          "first and counted as outside. Pages not back: free "
          "pages after the storm at size 0, against before the reserve was sized, "
          "less the pages the storm quarantined. Chunks: after the storm at size 0 (test=chunks), the chunk "
          "descriptors left in the reserve's index, the pages their live counts name, those "
          "with none, and the pages the reserve holds (handed out or quarantined); no "
          "descriptor may be empty and the live pages must be the pages held (\"-\": a row "
          "from before the storm counted them).")
    print()
    print("| " + " | ".join(HEAD) + " |")
    print("|" + "|".join("---" for _ in HEAD) + "|")
    for k in sorted(rows, key=lambda k: (ORDER.index(k) if k in ORDER else len(ORDER), k)):
        print("| " + " | ".join(rows[k]) + " |")


main(sys.argv[1:])
