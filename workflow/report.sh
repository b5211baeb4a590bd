#!/bin/bash
# Write the measured tables into README.md, between its "pressure-table"
# and "latency-table" markers, and make workflow/cover-letter.txt from
# workflow/cover-letter.in with the tables in place of @PRESSURE_TABLE@,
# @RT_TABLE@, @LATENCY_TABLE@ and @IOMMU_TABLE@ (the first user's result,
# one paragraph, also between README's "iommu-table" markers): the
# memory-pressure table from the last
# pressure boots (build/boot-pressure-N.log), the PREEMPT_RT hardirq table
# from the last PREEMPT_RT boot (build/rt/boot-rt.log), the latency table
# from the last UML benchmark (build/bench.txt) and zero-cost comparison
# (build/bench-zero.txt).
# No number is typed by hand.
set -euo pipefail
. "$(dirname "$0")/common.sh"
PRESSURE_BOOTS=${PRESSURE_BOOTS:-5}
logs=()
for i in $(seq 1 "$PRESSURE_BOOTS"); do
	l=$BUILD/boot-pressure-$i.log
	[ -f "$l" ] || die "no $l: run make evidence first"
	grep -q '^PAR-P-SOFT' "$l" || die "$l has no pressure results"
	logs+=("$l")
done
L=${logs[0]}
B=$BUILD/bench.txt
Z=$BUILD/bench-zero.txt
[ -f "$B" ] || die "no $B: run make evidence (or make bench) first"
[ -f "$Z" ] || die "no $Z: run make evidence (or make bench-zero) first"
RTL=$BUILD/rt/boot-rt.log
[ -f "$RTL" ] || die "no $RTL: run make evidence first"
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | sed -n 1p)
rel=$(sed -n 's/^# kernel \([^,]*\),.*/\1/p' "$L" | sed -n 1p)
accel=$(cat "$BUILD/boot-pressure-1.accel" 2>/dev/null || echo tcg)
read -r size nodes minkb dist < <(sed -n 's/^# reserve \([0-9]*\) pages on each of \([0-9]*\) nodes; min_free_kbytes \([0-9]*\); distance \([0-9]*\) pages/\1 \2 \3 \4/p' "$L" | sed -n 1p)
date=$(date -r "$L" -u +%Y-%m-%d)
table=$(mktemp)
{
	echo "Memory-pressure runs of $date: kernel $rel (the series on the"
	echo "pinned base) under QEMU ${accel^^}, 2 vCPUs, 2 NUMA nodes of 512 MiB,"
	echo "$PRESSURE_BOOTS boots; host: $(nproc) x $cpu."
	echo "Reserve: $size pages per node; min_free_kbytes $minkb. Before each"
	echo "burst a module takes or gives back pages until every zone has $dist"
	echo "free pages above its min watermark. Each row: N allocations in a row"
	echo "from one timer, GFP_ATOMIC|__GFP_ZERO|__GFP_NOWARN, held to the end."
	echo
	echo "stock: alloc_page() (softirq); +min_free: the same with"
	echo "min_free_kbytes raised by the reserve's memory ($((size * nodes * 4)) kB);"
	echo "mempool: mempool_alloc() on a page mempool as large as the reserve,"
	echo "after the stock burst (no __GFP_ZERO); reserve:"
	echo "alloc_page_atomic_quality() (softirq); res. hard: the same from a hard"
	echo "hrtimer; nolock hd: the same with every size at 0, which there is"
	echo "alloc_pages_nolock() (CONFIG_PROVE_RAW_LOCK_NESTING)."
	echo
	python3 "$TOP/workflow/pressure-table.py" "${logs[@]}"
} > "$table"
iommu=$(mktemp)
python3 "$TOP/workflow/pressure-table.py" --summary "${logs[@]}" > "$iommu"
rt=$(mktemp)
{
	python3 "$TOP/workflow/rt-table.py" "$RTL"
	rt_accel=$(cat "$BUILD/rt/boot-rt.accel" 2>/dev/null || echo tcg)
	echo "QEMU ${rt_accel^^}, $(date -r "$RTL" -u +%Y-%m-%d); host: $(nproc) x $cpu."
} > "$rt"
lat=$(mktemp)
python3 "$TOP/workflow/latency-table.py" "$B" "$Z" > "$lat"
# All go into the cover letter, indented by two: keep them mail-sized.
long=$(cat "$table" "$rt" "$lat" | awk 'length($0) > 72' | sed -n 1,3p)
[ -z "$long" ] || die "table lines longer than 72 columns: $long"
for t in pressure:"$table" rt:"$rt" latency:"$lat"; do
	python3 "$TOP/workflow/put-table.py" "$TOP/README.md" "${t%%:*}" "${t#*:}"
done
python3 "$TOP/workflow/put-table.py" "$TOP/README.md" iommu "$iommu" --raw
# The cover letter is made from its template; the @..._TABLE@ lines are
# replaced by the tables, indented.
python3 - "$TOP/workflow/cover-letter.in" "$TOP/workflow/cover-letter.txt" "$table" "$rt" "$lat" "$iommu" <<'PY'
import sys
tmpl, out = sys.argv[1], sys.argv[2]
s = open(tmpl).read()
for name, f in zip(("PRESSURE", "RT", "LATENCY", "IOMMU"), sys.argv[3:]):
    t = open(f).read()
    ind = "" if name == "IOMMU" else "  "
    s = s.replace(f"@{name}_TABLE@\n", "".join(ind + l if l.strip() else "\n"
                                                 for l in t.splitlines(True)))
assert "@" not in "".join(l for l in s.splitlines() if "_TABLE@" in l)
open(out, "w").write(s)
PY
rm -f "$table" "$rt" "$lat" "$iommu"
log "updated README.md and workflow/cover-letter.txt from ${#logs[@]} pressure boots, $RTL, $B and $Z"
