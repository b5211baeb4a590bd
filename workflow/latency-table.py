#!/usr/bin/env python3
"""Print the latency table of a bench run (build/bench.txt, written by
workflow/bench.sh) with ratios to stock GFP_ATOMIC and the project's
benchmark targets, met or missed and by how much, and the zero-cost
comparison (build/bench-zero.txt, workflow/bench-zero.sh). Every number
comes from those files; lines stay within 72 columns."""
import sys
import textwrap


def parse(path):
    meta, rows, extra = {}, {}, {}
    runs = extra.setdefault('runs', {})
    for line in open(path):
        line = line.strip()
        if line.startswith('# run '):
            kv = dict(f.split('=', 1) for f in line.split()[3:] if '=' in f)
            runs.setdefault(kv['case'], []).append(int(kv['median_ns']))
        elif line.startswith('# '):
            k, _, v = line[2:].partition(' ')
            meta[k] = v
        elif line.startswith('bench: case='):
            kv = dict(f.split('=', 1) for f in line[7:].split() if '=' in f)
            rows[kv['case']] = kv
        elif line.startswith('bench: refill '):
            extra.update(f.split('=', 1) for f in line[14:].split() if '=' in f)
    return meta, rows, extra


meta, rows, extra = parse(sys.argv[1])
zero = parse(sys.argv[2]) if len(sys.argv) > 2 else None
legend = [
    ('clock', 'the empty loop and clock reads (measuring cost)'),
    ('percpu_floor', 'pop and push on a per-CPU array, irqs off'),
    ('stock', 'alloc_page(GFP_ATOMIC), __free_page()'),
    ('stock_zero', 'the same with __GFP_ZERO'),
    ('mempool', 'mempool_alloc()/mempool_free(), page mempool as'),
    ('', 'large as the reserve'),
    ('nolock', 'alloc_pages_nolock(), free_pages_nolock()'),
    ('reserve', 'alloc_page_atomic_quality(GFP_ATOMIC),'),
    ('', 'free_page_atomic_quality()'),
    ('reserve_zero', 'the same with __GFP_ZERO'),
    ('reserve_poison', 'the same with __GFP_POISON'),
    ('reserve_exclusive', 'the same with __GFP_EXCLUSIVE'),
]
st = rows['stock']
smed, sp99 = int(st['median_ns']), int(st['p99_ns'])
samples = int(st['samples'])
chain = int(st['pairs']) // samples
kernel = meta.get('kernel', '').split()
print(f"Latency run of {meta.get('date')}, kernel {kernel[0] if kernel else '?'},")
print("on UML (ARCH=um, kernel code at native speed): no QEMU, no KVM.")
print(f"Host: {meta.get('host')}.")
for l in textwrap.wrap(f"UML: {meta.get('uml')}.", 70):
    print(l)
print(f"Each case: {samples} samples in hardirq context (pinned hard")
print("hrtimer; one sample of every case per interrupt, in a random order")
print("drawn for each interrupt; all cases in one pass of one boot). A")
print(f"sample is the ktime_get_ns() time of {chain} alloc+free pairs in a row")
print(f"divided by {chain} (UML's clock ticks in 256 ns steps). ns per pair:")
print("median, p99 and max over the samples, ratios to stock; fail: NULL")
print("returns; fb: reserve calls served by the page allocator.")
print()
print(f"{'case':17} {'median':>6} {'p99':>6} {'max':>6} {'med/st':>6} "
      f"{'p99/st':>6} {'fail':>5} {'fb':>5}")
for c, _ in legend:
    r = rows.get(c)
    if not c or not r:
        continue
    med, p99 = int(r['median_ns']), int(r['p99_ns'])
    print(f"{c:17} {med:6} {p99:6} {int(r['max_ns']):6} {med / smed:6.2f} "
          f"{p99 / sp99:6.2f} {r['failed']:>5} {r['fallback']:>5}")
print()
for c, d in legend:
    print(f"  {c:18}{d}")
print("page_pool is not measured: it recycles in NAPI (softirq) context,")
print("and giving a page back from hardirq takes spin_lock_bh() on its")
print("ring.")
if extra.get('pages_zeroed'):
    print()
    print(f"Refill work during the run: {int(extra['pages_zeroed'])} pages "
          f"zeroed in {int(extra['work_ns']) / 1e6:.1f} ms")
    print(f"of work, {extra['ns_per_page']} ns per page, in process context "
          "instead of in the")
    print("interrupt.")


def val(c, k):
    return int(rows[c][k]) if c in rows else None


print()
print("Targets (benchmark goals, not pass/fail):")


def target(desc, got, limit):
    how = 'met' if got <= limit else f"missed by {got / limit:.2f}x"
    print(f"  {desc}: {got:.2f} (<= {limit}): {how}")


if 'reserve_zero' in rows and 'stock_zero' in rows:
    target("__GFP_ZERO median, reserve/stock",
           val('reserve_zero', 'median_ns') / val('stock_zero', 'median_ns'),
           0.25)
if 'reserve' in rows:
    target("plain median, reserve/stock", val('reserve', 'median_ns') / smed,
           0.5)
    target("plain p99, reserve/stock", val('reserve', 'p99_ns') / sp99, 0.5)
    if 'percpu_floor' in rows:
        target("plain median, reserve/per-CPU floor",
               val('reserve', 'median_ns') / val('percpu_floor', 'median_ns'),
               2)
if zero:
    zm, zr, _ = zero
    a, b = zr.get('stock-series'), zr.get('stock-base')
    if a and b:
        r = int(a['median_ns']) / int(b['median_ns'])
        p = int(a['p99_ns']) / int(b['p99_ns'])
        off = abs(r - 1) * 100
        how = 'met' if off <= 1 else f"missed by {off - 1:.1f} points"
        print("  unused feature, stock median, series (reserve 0)/no series:")
        print(f"    {r:.3f} (1.00 +/- 1 %): {how}; p99 {p:.3f}")
        print(f"    (median of the boots' medians: {a['median_ns']} vs "
              f"{b['median_ns']} ns; p99 {a['p99_ns']} vs {b['p99_ns']} ns)")
        runs = zero[2].get('runs', {})
        rs, rb = runs.get('stock-series', []), runs.get('stock-base', [])
        if rs and rb:
            print(f"    boots' medians, series: {' '.join(map(str, rs))} ns; "
                  f"no series: {' '.join(map(str, rb))} ns")
            spread = max((max(v) - min(v)) / min(v) * 100 for v in (rs, rb))
            if spread > 1:
                print(f"    One kernel's boots differ by up to {spread:.0f} %, "
                      "more than the")
                print("    1 % to be resolved: this machine cannot tell a "
                      "1 % cost apart.")
        for l in textwrap.wrap(f"UML {zm.get('uml')}.", 66):
            print(f"    {l}")
else:
    print("  unused feature (reserve 0 vs no series): not run")
