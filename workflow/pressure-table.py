#!/usr/bin/env python3
"""The memory-pressure table from the consoles of the pressure boots
(workflow/guest/init, par_mode=pressure): failed allocations per burst,
median and range over the boots, and what the earlier pressure point (a
userspace hog aiming at MemFree) left in each zone, boot by boot.
  pressure-table.py LOG...
  pressure-table.py --summary LOG...   (the first user's result, for the
                                       cover letter's opening)
"""
import re
import statistics
import sys
import textwrap

COLS = [("stock", "SOFT", 0), ("+min_free", "MINFREE", None),
        ("mempool", "SOFT", 1), ("reserve", "SOFT", 2),
        ("res. hard", "HARD", None), ("nolock hd", "NOLOCK", None)]


def zones(st):
    """'nid:name:free:min:boost:pcp:held ...'
    -> [(nid, name, free - min, boost, pcp)]"""
    out = []
    # A kernel message may have been printed into the line: cut it off.
    for z in st.split("[")[0].split():
        nid, name, free, mn, boost, pcp, _ = z.split(":")
        out.append((int(nid), name, int(free) - int(mn), int(boost), int(pcp)))
    return out


def parse(path):
    runs, hog, dist, refill, pcp = {}, None, [], [], []
    text = open(path, errors="replace").read()
    if "PAR-END" not in text:
        sys.exit(f"{path}: the guest did not finish")
    for line in text.splitlines():
        m = re.match(r"PAR-P-(SOFT|HARD|MINFREE|NOLOCK) N=(\d+) result=([^z]*?)"
                     r"(?: zones=(.*))?$", line)
        if m:
            kind, n, res, st = m.group(1), int(m.group(2)), m.group(3), m.group(4)
            v = res.split("[")[0].strip().rstrip(";").split()
            if kind == "SOFT":
                # "<N> <stock got> <stock failed> <pool got> <pool failed>
                #  <reserve got> <reserve failed> <ns>"
                fails = [int(v[2]), None if v[4] == "-" else int(v[4]), int(v[6])]
                for i, f in enumerate(fails):
                    runs[("SOFT", i, n)] = f
            else:
                runs[(kind, None, n)] = int(v[1])
            if st and kind in ("SOFT", "MINFREE"):
                dist += [d for _, _, d, _, _ in zones(st)]
                if kind == "SOFT":
                    pcp.append(sum(p for *_, p in zones(st)))
                    runs[("PCP", None, n)] = pcp[-1]
            if st and kind == "NOLOCK":
                runs[("PCPNL", None, n)] = sum(p for *_, p in zones(st))
            continue
        m = re.match(r"PAR-P-IOMMU-(RESERVE|NONE) N=(\d+) result=(\d+) (\d+) (\d+) (-?\d+)"
                     r" hits=(-?\d+) level0=(\d+) refills=(\d+)", line)
        if m:
            n = int(m.group(2))
            tried, failed, held, left, hits, lvl, refills = map(int, m.group(3, 4, 5, 6, 7, 8, 9))
            # Tables of an earlier round that the flush queue freed during
            # this one make "left" negative; eat.c printed it unsigned
            # before it printed it signed.
            if left >= 1 << 63:
                left -= 1 << 64
            if tried != n:
                sys.exit(f"{path}: {line}: {tried} mappings tried, not {n}")
            runs[("IOMMU", m.group(1), n)] = (failed, held, left, hits, refills)
            continue
        if line.startswith("PAR-P-REFILL "):
            refill.append(dict(kv.split("=") for kv in line.split()[1:]))
        if line.startswith("PAR-P-HOGZONES "):
            hz = zones(line.split(" ", 1)[1])
        if line.startswith("PAR-P-HOG "):
            v = line.split(" ", 1)[1].strip().rstrip(";").split()
            hog = (hz, int(v[2]))
    return runs, hog, dist, refill, pcp


def cell(vals, how):
    vals = [v for v in vals if v is not None]
    if not vals:
        return "-"
    if how == "med":
        return str(int(statistics.median(vals)))
    return str(min(vals)) if min(vals) == max(vals) else f"{min(vals)}-{max(vals)}"


def fail_pcp(data, sizes, row, pcp_key, title):
    """Per boot, the failures of @row next to the per-CPU pages before each
    burst, for the sizes where some boot failed."""
    ns = [n for n in sizes if any(r.get(row + (n,)) for r, *_ in data)]
    if not ns or not any((pcp_key, None, n) in r for r, *_ in data for n in ns):
        return
    print("\n".join(title))
    print()
    print("    boot" + "".join(f"{'N=' + str(n) + ' fail (pcp)':>20}" for n in ns))
    for i, (r, *_) in enumerate(data, 1):
        print(f"  {i:>6}" + "".join(
            f"{str(r.get(row + (n,))) + ' (' + str(r.get((pcp_key, None, n))) + ')':>20}"
            for n in ns))
    print()


def iommu_table(data):
    """The first user under the same pressure: failed DMA mappings."""
    keys = sorted({k for r, *_ in data for k in r if k[0] == "IOMMU"},
                  key=lambda k: (k[2], k[1]))
    if not keys:
        sys.exit("no PAR-P-IOMMU lines: the disk was not behind the IOMMU")
    ns = sorted({k[2] for k in keys})
    for r, *_ in data:
        for k in keys:
            if k not in r:
                sys.exit(f"a boot has no {k} row")
            failed, held, left, _, _ = r[k]
            # Each mapping that succeeded needed its own table page, and
            # the unmap gave it back: else the row measured nothing.
            # (A few IOVA ranges may land where tables already were.)
            if held * 10 < (k[2] - failed) * 9 or left > held // 8:
                sys.exit(f"{k}: {held} table pages for {k[2] - failed} mappings,"
                         f" {left} left after the unmap")
    print("The first user at the same pressure point: N DMA mappings of the")
    print("virtio disk held at once (dma_map_page(), 2 MiB each, so each needs")
    print("a new I/O page-table page, which the IOMMU allocates with")
    print("GFP_ATOMIC), from process context on CPU 0. Failed mappings, median")
    print(f"(min-max) over {len(data)} boots, with every reserve size 0 (the")
    print("conversion is then alloc_pages(GFP_ATOMIC | __GFP_ZERO), as before")
    print("it) and with the reserve; and the refill runs while it was mapping:")
    print()
    print(f"{'N':>8}{'reserve 0':>18}{'reserve':>18}{'refills':>12}")
    for n in ns:
        def col(kind, i):
            v = [r[("IOMMU", kind, n)][i] for r, *_ in data]
            return f"{cell(v, 'med')} ({cell(v, 'range')})"
        print(f"{n:>8}{col('NONE', 0):>18}{col('RESERVE', 0):>18}{col('RESERVE', 4):>12}")
    print()


def summary(logs):
    """The cover letter's opening paragraph: the first user's result at
    the largest N."""
    data = [parse(p) for p in logs]
    m = re.search(r"distance (\d+) pages", open(logs[0], errors="replace").read())
    n = max(k[2] for r, *_ in data for k in r if k[0] == "IOMMU")
    none = [r[("IOMMU", "NONE", n)][0] for r, *_ in data]
    res = [r[("IOMMU", "RESERVE", n)][0] for r, *_ in data]
    print(textwrap.fill(
        "The first user, converted in patch 3, is the IOMMU's page-table "
        "allocation: a DMA mapping allocates the new I/O page-table pages it "
        "needs with GFP_ATOMIC while it maps, and the mapping fails when "
        "they do. In the pressure runs below (QEMU, intel-iommu, every "
        f"zone {m.group(1)} pages above its min watermark), of {n} DMA "
        "mappings of a virtio disk made at once, each needing a new table "
        f"page, {cell(none, 'med')} failed without the reserve (median of "
        f"{len(data)} boots; {cell(none, 'range')}) and {cell(res, 'med')} "
        f"with it ({cell(res, 'range')}).", width=72))


def main():
    logs = sys.argv[1:]
    if logs and logs[0] == "--summary":
        summary(logs[1:])
        return
    data = [parse(p) for p in logs]
    sizes = sorted({k[2] for r, *_ in data for k in r
                    if not k[0].startswith("PCP") and k[0] != "IOMMU"})
    head = "       N" + "".join(f"{c:>10}" for c, _, _ in COLS)
    for how, title in (("med", "median"), ("range", "min-max")):
        print(f"Failed allocations per burst, {title} over {len(logs)} boots:")
        print()
        print(head)
        for n in sizes:
            row = f"{n:>8}"
            for _, kind, i in COLS:
                row += f"{cell([r.get((kind, i, n)) for r, *_ in data], how):>10}"
            print(row)
        print()
    iommu_table(data)
    dist = [d for _, _, ds, *_ in data for d in ds]
    print(f"Before each stock burst every zone had {min(dist)} to {max(dist)}"
          " free pages above")
    print("its min watermark (NR_FREE_PAGES, read just before the burst), and")
    pc = [p for *_, ps in data for p in ps]
    print(f"the bursting CPU's per-CPU lists of those zones held {min(pc)} to {max(pc)}")
    print("pages more, which NR_FREE_PAGES does not count and a burst takes")
    print("first (stock failures against them, per boot, below).")
    print()
    rf = [r for _, _, _, rs, _ in data for r in rs]
    if rf:
        def span(key):
            v = sorted(int(r[key]) for r in rf)
            return str(v[0]) if v[0] == v[-1] else f"{v[0]}-{v[-1]}"
        print("The refill under that pressure (order-3 GFP_KERNEL|__GFP_NORETRY")
        print(f"chunks), per boot over the stock, mempool, reserve and +min_free")
        print(f"bursts: {span('refills')} refill runs added chunks,"
              f" {span('refill_failures')} stopped at a failed one.")
        print("Free blocks of order 3 or more at the pressure point")
        print(f"(/proc/pagetypeinfo, all zones): {span('free_o3_unmovable')}"
              f" unmovable, {span('free_o3_all')} of any type.")
        print()
    fail_pcp(data, sizes, ("SOFT", 0), "PCP",
             ["Stock failures and the pages in the bursting CPU's per-CPU lists",
              "(both zones) just before the burst, boot by boot:"])
    fail_pcp(data, sizes, ("NOLOCK", None), "PCPNL",
             ["The same for the nolock rows (a hard hrtimer, every size at 0):"])
    print("The earlier pressure point (a hog mlocking until MemFree was 10%")
    print("above min_free_kbytes), boot by boot: free pages above the min")
    print("watermark (with its boost) and in the bursting CPU's per-CPU lists,")
    print("per zone, and stock failures of one 2048-page burst:")
    print()
    print("    boot  zone     above min   boost     pcp   stock failed")
    for i, (_, hog, *_) in enumerate(data, 1):
        if not hog:
            continue
        hz, failed = hog
        for j, (nid, name, d, b, p) in enumerate(hz):
            f = str(failed) if j == 0 else ""
            print(f"  {i if j == 0 else '':>6}  {nid}/{name:<7}{d:>10}{b:>8}{p:>8}{f:>15}".rstrip())


main()
