#!/usr/bin/env python3
"""Print the latency table of a bench run (build/bench.txt, written by
workflow/bench.sh) with ratios to stock GFP_ATOMIC and the project's
benchmark targets, met or missed and by how much, and the zero-cost
comparison (build/bench-zero.txt, workflow/bench-zero.sh). Every number
comes from those files; lines stay within 72 columns."""
import sys
import textwrap


def parse(path):
    """meta, rows, extra; rows and extra of every boot ("# boot N") in
    extra['boots'] as (rows, extra) pairs, rows of the last one in rows."""
    meta, rows, extra = {}, {}, {}
    runs = extra.setdefault('runs', {})
    boots = extra.setdefault('boots', [])
    for line in open(path):
        line = line.strip()
        if line.startswith('# boot '):
            rows, bextra = {}, {}
            boots.append((rows, bextra))
        elif line.startswith('# run '):
            kv = dict(f.split('=', 1) for f in line.split()[3:] if '=' in f)
            runs.setdefault(kv['case'], []).append(int(kv['median_ns']))
        elif line.startswith('# '):
            k, _, v = line[2:].partition(' ')
            meta[k] = v
        elif line.startswith('bench: case='):
            kv = dict(f.split('=', 1) for f in line[7:].split() if '=' in f)
            rows[kv['case']] = kv
        elif line.startswith('bench: busy: case='):
            kv = dict(f.split('=', 1) for f in line[13:].split() if '=' in f)
            rows[kv['case']].update(kv)
        elif line.startswith('bench: refill '):
            kv = dict(f.split('=', 1) for f in line[14:].split() if '=' in f)
            (boots[-1][1] if boots else extra).update(kv)
    if not boots:
        boots.append((rows, dict(extra)))
    return meta, rows, extra


def med(v):
    v = sorted(v)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


meta, _, extra = parse(sys.argv[1])
boots = extra['boots']
zero = parse(sys.argv[2]) if len(sys.argv) > 2 else None
# Every boot must have run the same cases.
cases = set(boots[0][0])
for b, _ in boots:
    if set(b) != cases:
        sys.exit(f"{sys.argv[1]}: the boots ran different cases")


def per_boot(c, k):
    return [int(b[c][k]) for b, _ in boots]


def ratio(c, k, ref='stock'):
    """The ratio of case c to case ref in each boot, and its median."""
    r = [int(b[c][k]) / int(b[ref][k]) for b, _ in boots]
    return med(r), r


# A row per case: medians over the boots of each boot's median and p99,
# the largest max, the medians of the per-boot ratios, failures summed.
rows = {}
for c in cases:
    rows[c] = {'median_ns': int(med(per_boot(c, 'median_ns'))),
               'p99_ns': int(med(per_boot(c, 'p99_ns'))),
               'max_ns': max(per_boot(c, 'max_ns')),
               'failed': sum(per_boot(c, 'failed')),
               'fallback': sum(per_boot(c, 'fallback')),
               'samples': int(boots[0][0][c]['samples']),
               'pairs': int(boots[0][0][c]['pairs'])}


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
    ('stock_alloc', 'stock, the allocations only (the pairs split:'),
    ('', 'all allocations, then all frees)'),
    ('stock_free', 'stock, the frees only'),
    ('reserve_alloc', 'reserve, the allocations only'),
    ('reserve_free', 'reserve, the frees only'),
    ('stock_zero_line', 'stock_zero and a write of the first cache line'),
    ('stock_zero_page', 'stock_zero and a write of the whole page'),
    ('reserve_zero_line', 'reserve_zero and a write of the first line'),
    ('reserve_zero_page', 'reserve_zero and a write of the whole page'),
]
st = rows['stock']
samples = int(st['samples'])
chain = int(st['pairs']) // samples
kernel = meta.get('kernel', '').split()
print(f"Latency run of {meta.get('date')}, kernel {kernel[0] if kernel else '?'},")
print("on UML (ARCH=um, kernel code at native speed): no QEMU, no KVM.")
print(f"Host: {meta.get('host')}.")
for l in textwrap.wrap(f"UML: {meta.get('uml')}.", 70):
    print(l)
print(f"Each case: {samples} samples in hardirq context per boot, "
      f"{len(boots)} boot{'s' if len(boots) > 1 else ''}")
print("(pinned hard hrtimer; one sample of every case per interrupt, in a")
print("random order drawn for each interrupt; all cases in one pass). A")
print(f"sample is the ktime_get_ns() time of {chain} alloc+free pairs in a row")
print(f"divided by {chain} (UML's clock ticks in 256 ns steps). ns per pair:")
print("median and p99 over a boot's samples, the median of those over the")
print("boots; max over all; ratios to stock: the median of the boots'")
print("ratios; fail: NULL returns; fb: reserve calls served by the page")
print("allocator, both summed over the boots.")
print()
print(f"{'case':17} {'median':>6} {'p99':>6} {'max':>6} {'med/st':>6} "
      f"{'p99/st':>6} {'fail':>5} {'fb':>5}")
for c, _ in legend:
    r = rows.get(c)
    if not c or not r:
        continue
    print(f"{c:17} {r['median_ns']:6} {r['p99_ns']:6} {r['max_ns']:6} "
          f"{ratio(c, 'median_ns')[0]:6.2f} {ratio(c, 'p99_ns')[0]:6.2f} "
          f"{r['failed']:>5} {r['fallback']:>5}")
print()
if len(boots) > 1:
    print("Boot by boot, each boot's ratio to its own stock row (reserve_alloc")
    print("to stock_alloc, reserve_free to stock_free, the _zero_ cases to")
    print("their stock counterparts): median; p99.")
    pairs = [('reserve', 'stock'), ('reserve_zero', 'stock_zero'),
             ('reserve_alloc', 'stock_alloc'), ('reserve_free', 'stock_free'),
             ('reserve_zero_line', 'stock_zero_line'),
             ('reserve_zero_page', 'stock_zero_page'),
             ('reserve_poison', 'reserve'), ('reserve_exclusive', 'reserve')]
    for c, ref in pairs:
        if c not in rows or ref not in rows:
            continue
        m, p = ratio(c, 'median_ns', ref)[1], ratio(c, 'p99_ns', ref)[1]
        print(f"  {c + '/' + ref.replace('reserve', 'res').replace('stock', 'st'):31}"
              f"{' '.join(f'{x:.2f}' for x in m)}; {' '.join(f'{x:.2f}' for x in p)}")
    print()
shown = False
for c, d in legend:
    # A continuation line goes with the case above it.
    shown = c in rows if c else shown
    if shown:
        print(f"  {c:18}{d}")
print("page_pool is not measured: it recycles in NAPI (softirq) context,")
print("and giving a page back from hardirq takes spin_lock_bh() on its")
print("ring.")
busy = [c for c in ('stock', 'reserve', 'stock_zero', 'reserve_zero',
                    'reserve_alloc', 'reserve_free')
        if 'busy' in boots[0][0].get(c, {})]
if busy:
    print()
    print("While the refill work ran: a sample is busy when a node's refill")
    print("work ran during it or started in it (page_atomic_reserve_work_seq()")
    print("read before and after), quiet otherwise.")
    nbusy = sum(int(b[c]['busy']) for c in busy for b, _ in boots)
    if not nbusy:
        n = sum(int(b[busy[0]]['quiet']) for b, _ in boots)
        print(f"  No sample was busy: 0 of {n} per case over the boots, stock and")
        print("  reserve alike, so the refill work's lock and writes explain")
        print("  none of the p99.")
    else:
        print("Per boot (a/b/c): the samples busy, the p99 of the quiet ones, of")
        print("the busy ones (ns):")
        print(f"  {'case':17} {'busy':>11} {'quiet p99':>17} {'busy p99':>17}")
        for c in busy:
            b3 = [b[c] for b, _ in boots]
            nb = '/'.join(x['busy'] for x in b3)
            qp = '/'.join(x['quiet_p99_ns'] for x in b3)
            bp = '/'.join(x['busy_p99_ns'] if int(x['busy']) else '-' for x in b3)
            print(f"  {c:17} {nb:>11} {qp:>17} {bp:>17}")
        if 'reserve' in busy and 'stock' in busy:
            r = [int(b['reserve']['quiet_p99_ns']) /
                 max(int(b['stock']['quiet_p99_ns']), 1) for b, _ in boots]
            print(f"  quiet p99, reserve/stock: {med(r):.2f}, boot by boot "
                  f"{' '.join(f'{x:.2f}' for x in r)}")
bx = [e for _, e in boots if e.get('pages_zeroed')]
if bx:
    print()
    pz = sum(int(e['pages_zeroed']) for e in bx)
    wn = sum(int(e['work_ns']) for e in bx)
    print(f"Refill work during the {len(bx)} boot(s): {pz} pages "
          f"zeroed in {wn / 1e6:.1f} ms")
    print(f"of work, {wn // max(pz, 1)} ns per page, in process context "
          "instead of in the")
    print("interrupt.")


print()
print("Targets (benchmark goals, not pass/fail):")


def target(desc, c, ref, k, limit):
    if any(int(b[ref][k]) == 0 for b, _ in boots):
        # Below the clock's resolution in some boot: the boots' medians.
        got = rows[c][k] / max(rows[ref][k], 1)
        how = 'met' if got <= limit else f"missed by {got / limit:.2f}x"
        print(f"  {desc}: {got:.2f} (<= {limit}): {how}")
        print(f"    (of the medians over the boots: {ref} read 0 in a boot)")
        return
    got, r = ratio(c, k, ref)
    how = 'met' if got <= limit else f"missed by {got / limit:.2f}x"
    print(f"  {desc}: {got:.2f} (<= {limit}): {how}")
    if len(r) > 1:
        print(f"    boot by boot: {' '.join(f'{x:.2f}' for x in r)}")


if 'reserve_zero' in rows and 'stock_zero' in rows:
    target("__GFP_ZERO median, reserve/stock", 'reserve_zero', 'stock_zero',
           'median_ns', 0.25)
if 'reserve' in rows:
    target("plain median, reserve/stock", 'reserve', 'stock', 'median_ns', 0.5)
    target("plain p99, reserve/stock", 'reserve', 'stock', 'p99_ns', 0.5)
    if 'percpu_floor' in rows:
        target("plain median, reserve/per-CPU floor", 'reserve',
               'percpu_floor', 'median_ns', 2)
    for c in ('reserve_poison', 'reserve_exclusive'):
        if c in rows:
            target(f"{c[8:]} median, /plain", c, 'reserve', 'median_ns', 1.5)
if 'reserve_zero_page' in rows and 'stock_zero_page' in rows:
    target("first touch, zero_page reserve/stock",
           'reserve_zero_page', 'stock_zero_page', 'median_ns', 1.0)
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
