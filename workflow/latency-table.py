#!/usr/bin/env python3
"""Print the latency table of a bench run (build/bench.txt, written by
workflow/bench.sh) with ratios to stock GFP_ATOMIC and the benchmark
targets of the project, met or missed and by how much. Optionally the
zero-cost comparison (build/bench-zero.txt, workflow/bench-zero.sh).
Nothing here is typed by hand: every number comes from those files."""
import sys

def parse(path):
    meta, rows, extra = {}, {}, {}
    for line in open(path):
        line = line.strip()
        if line.startswith('# '):
            k, _, v = line[2:].partition(' ')
            meta[k] = v
        elif line.startswith('bench: case='):
            kv = dict(f.split('=', 1) for f in line[7:].split() if '=' in f)
            rows[kv['case']] = kv
        elif line.startswith('bench: refill '):
            extra.update(f.split('=', 1) for f in line[14:].split() if '=' in f)
        elif line.startswith('bench: hardirq'):
            extra['setup'] = line[7:]
    return meta, rows, extra

meta, rows, extra = parse(sys.argv[1])
zero = parse(sys.argv[2]) if len(sys.argv) > 2 else None
names = {
    'clock': 'empty loop, clock reads (overhead)',
    'percpu_floor': 'per-CPU array pop+push, irqs off',
    'stock': 'alloc_page(GFP_ATOMIC)',
    'stock_zero': 'alloc_page(GFP_ATOMIC|__GFP_ZERO)',
    'mempool': 'mempool_alloc() (page mempool)',
    'nolock': 'alloc_pages_nolock()',
    'reserve': 'alloc_page_atomic_quality()',
    'reserve_zero': '  ... |__GFP_ZERO',
    'reserve_poison': '  ... |__GFP_POISON',
    'reserve_exclusive': '  ... |__GFP_EXCLUSIVE',
}
st = rows['stock']
smed, sp99 = int(st['median_ns']), int(st['p99_ns'])
pairs = st['pairs']
samples = int(st['samples'])
chain = int(pairs) // samples
print(f"Latency run of {meta.get('date')}: kernel {meta.get('kernel')}.")
print(f"Host {meta.get('host')};")
print(f"UML {meta.get('uml')}.")
print(f"Each case: {samples} samples in hardirq context (a pinned hard hrtimer,")
print("one sample of every case per interrupt, in a random order drawn for")
print(f"each interrupt; all cases in one pass of one boot). A sample is the")
print(f"ktime_get_ns() time of {chain} alloc+free pairs in a row / {chain}: UML's")
print("clock ticks in 256 ns steps. ns per pair; median, p99 and max over the")
print("samples; ratios to stock GFP_ATOMIC; failed and fallback pairs.")
print()
print(f"  {'case':36} {'median':>7} {'p99':>7} {'max':>7} {'med/st':>6} {'p99/st':>6} {'fail':>5} {'fallbk':>6}")
for c, label in names.items():
    r = rows.get(c)
    if not r:
        continue
    med, p99 = int(r['median_ns']), int(r['p99_ns'])
    print(f"  {label:36} {med:7} {p99:7} {int(r['max_ns']):7} {med / smed:6.2f} {p99 / sp99:6.2f} {r['failed']:>5} {r['fallback']:>6}")
print("  page_pool: not measured; it recycles in NAPI (softirq) context and")
print("  giving a page back from hardirq takes spin_lock_bh() on its ring.")
if extra.get('pages_zeroed'):
    print()
    print(f"Refill work during the run: {extra['pages_zeroed']} pages zeroed in "
          f"{extra['work_ns']} ns of work, {extra['ns_per_page']} ns per page,")
    print("in process context instead of in the interrupt.")

def val(c, k):
    return int(rows[c][k]) if c in rows else None

print()
print("Targets (benchmark goals, not pass/fail):")
def target(desc, got, limit, cmp='<='):
    if got is None:
        print(f"  {desc}: not measured")
        return
    ok = got <= limit if cmp == '<=' else abs(got - 1) <= limit
    if cmp == '<=':
        how = 'met' if ok else f"missed by {got / limit:.2f}x"
        print(f"  {desc}: {got:.2f} (target <= {limit}): {how}")
    else:
        how = 'met' if ok else f"missed by {abs(got - 1) * 100 - limit * 100:.1f} points"
        print(f"  {desc}: {got:.3f} (target 1.00 +/- {limit * 100:.0f} %): {how}")
if 'reserve_zero' in rows and 'stock_zero' in rows:
    target("__GFP_ZERO median, reserve / stock", val('reserve_zero', 'median_ns') / val('stock_zero', 'median_ns'), 0.25)
if 'reserve' in rows:
    target("plain median, reserve / stock", val('reserve', 'median_ns') / smed, 0.5)
    target("plain p99, reserve / stock", val('reserve', 'p99_ns') / sp99, 0.5)
    if 'percpu_floor' in rows:
        target("plain median, reserve / per-CPU floor", val('reserve', 'median_ns') / val('percpu_floor', 'median_ns'), 2)
if zero:
    zm, zr, _ = zero
    a, b = zr.get('stock-series'), zr.get('stock-base')
    if a and b:
        target("unused: stock median, series (reserve 0) / no series",
               int(a['median_ns']) / int(b['median_ns']), 0.01, 'abs')
else:
    print("  unused feature, stock with the series (reserve 0) / without: not run")
