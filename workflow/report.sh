#!/bin/bash
# Write the measured tables into README.md, between its "pressure-table"
# and "latency-table" markers, and make workflow/cover-letter.txt from
# workflow/cover-letter.in with the tables in place of @PRESSURE_TABLE@ and
# @LATENCY_TABLE@: the memory-pressure table from the last demo run
# (build/boot-demo.log), the latency table from the last UML benchmark
# (build/bench.txt) and zero-cost comparison (build/bench-zero.txt).
# No number is typed by hand.
set -euo pipefail
. "$(dirname "$0")/common.sh"
L=$BUILD/boot-demo.log
[ -f "$L" ] || die "no $L: run make evidence (or make demo) first"
grep -q '^PAR-DEMO.*mempool_got' "$L" || die "$L has no results with the mempool column"
B=$BUILD/bench.txt
Z=$BUILD/bench-zero.txt
[ -f "$B" ] || die "no $B: run make evidence (or make bench) first"
[ -f "$Z" ] || die "no $Z: run make evidence (or make bench-zero) first"
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
rel=$(sed -n 's/^# kernel \([^,]*\),.*/\1/p' "$L" | head -n1)
accel=$(cat "$BUILD/boot-demo.accel" 2>/dev/null || echo tcg)
size=$(sed -n 's/^== Sizing every node to \([0-9]*\) pages.*/\1/p' "$L" | head -n1)
memfree=$(sed -n 's/^  MemFree: *\([0-9]*\) kB/\1/p' "$L" | head -n1)
minkb=$(sed -n 's/.*(min_free_kbytes \([0-9]*\)).*/\1/p' "$L" | head -n1)
date=$(date -r "$L" -u +%Y-%m-%d)
table=$(mktemp)
{
	echo "Memory-pressure run of $date: kernel $rel (the series on the"
	echo "pinned base) under QEMU ${accel^^}, 2 vCPUs, 2 NUMA nodes of 512 MiB;"
	echo "host: $(nproc) x $cpu."
	echo "A userspace hog mlocked memory until MemFree was $memfree kB"
	echo "(min_free_kbytes $minkb); reserve size $size pages per node;"
	echo "the page mempool holds as many pages as the reserve, both nodes"
	echo "together, allocated before the pressure. Each row: N allocations in a"
	echo "row from one timer softirq with GFP_ATOMIC|__GFP_ZERO|__GFP_NOWARN (the"
	echo "mempool without __GFP_ZERO, which mempool_alloc() does not take), all"
	echo "held until the end of the burst."
	if grep -q '^PAR-DEMO-HOG-KILLED' "$L"; then
		echo "In this run the OOM killer took the hog before the last burst:"
		echo "some rows ran with less memory pressure than intended."
	fi
	echo
	echo "stock: alloc_page(); mempool: mempool_alloc() on the page mempool;"
	echo "reserve: alloc_page_atomic_quality(). Failed allocations per burst:"
	echo
	echo "        N     stock   mempool   reserve"
	sed -n 's/^PAR-DEMO N=\([0-9]*\) stock_got=[0-9]* stock_failed=\([0-9]*\) reserve_got=[0-9]* reserve_failed=\([0-9]*\) mempool_got=[0-9-]* mempool_failed=\([0-9-]*\).*/\1 \2 \4 \3/p' "$L" |
		while read -r n s m r; do printf '   %6s   %7s   %7s   %7s\n' "$n" "$s" "$m" "$r"; done
} > "$table"
lat=$(mktemp)
python3 "$TOP/workflow/latency-table.py" "$B" "$Z" > "$lat"
# Both go into the cover letter, indented by two: keep them mail-sized.
long=$(cat "$table" "$lat" | awk 'length($0) > 72' | head -n 3)
[ -z "$long" ] || die "table lines longer than 72 columns: $long"
python3 - "$TOP/README.md" "$table" "$lat" <<'PY'
import sys
path = sys.argv[1]
s = open(path).read()
for name, f in (("pressure", sys.argv[2]), ("latency", sys.argv[3])):
    b, e = f"<!-- {name}-table:begin -->", f"<!-- {name}-table:end -->"
    i, j = s.index(b) + len(b), s.index(e)
    s = s[:i] + "\n```\n" + open(f).read() + "```\n" + s[j:]
open(path, "w").write(s)
PY
# The cover letter is made from its template; the @..._TABLE@ lines are
# replaced by the tables, indented.
python3 - "$TOP/workflow/cover-letter.in" "$TOP/workflow/cover-letter.txt" "$table" "$lat" <<'PY'
import sys
tmpl, out = sys.argv[1], sys.argv[2]
s = open(tmpl).read()
for name, f in (("PRESSURE", sys.argv[3]), ("LATENCY", sys.argv[4])):
    t = open(f).read()
    s = s.replace(f"@{name}_TABLE@\n", "".join("  " + l if l.strip() else "\n"
                                                 for l in t.splitlines(True)))
assert "@" not in "".join(l for l in s.splitlines() if "_TABLE@" in l)
open(out, "w").write(s)
PY
rm -f "$table" "$lat"
log "updated README.md and workflow/cover-letter.txt from $L, $B and $Z"
