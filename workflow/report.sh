#!/bin/bash
# Write the measured memory-pressure table of the last demo run
# (build/boot-demo.log) into README.md, between its "pressure-table"
# markers, and make workflow/cover-letter.txt from workflow/cover-letter.in
# with the table in place of @PRESSURE_TABLE@. No number is typed by hand.
set -euo pipefail
. "$(dirname "$0")/common.sh"
L=$BUILD/boot-demo.log
[ -f "$L" ] || die "no $L: run make all (or make demo) first"
grep -q '^PAR-DEMO' "$L" || die "$L has no results"
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
rel=$(sed -n 's/^# kernel \([^,]*\),.*/\1/p' "$L" | head -n1)
accel=$(cat "$BUILD/boot-demo.accel" 2>/dev/null || echo tcg)
size=$(sed -n 's/^== Sizing every node to \([0-9]*\) pages.*/\1/p' "$L" | head -n1)
memfree=$(sed -n 's/^  MemFree: *\([0-9]*\) kB/\1/p' "$L" | head -n1)
minkb=$(sed -n 's/.*(min_free_kbytes \([0-9]*\)).*/\1/p' "$L" | head -n1)
date=$(date -r "$L" -u +%Y-%m-%d)
table=$(mktemp)
{
	echo "Memory-pressure run of $date: kernel $rel (the series on the pinned"
	echo "base) under QEMU ${accel^^}, 2 vCPUs, 2 NUMA nodes of 512 MiB, host $(nproc) x"
	echo "$cpu. A userspace hog mlocked memory until MemFree was"
	echo "$memfree kB (min_free_kbytes $minkb); reserve size $size pages per node."
	echo "Each row: N allocations in a row from one timer softirq with"
	echo "GFP_ATOMIC|__GFP_ZERO|__GFP_NOWARN, all held until the end of the burst."
	echo
	echo "        N   stock alloc_page() failed   alloc_page_atomic_quality() failed"
	sed -n 's/^PAR-DEMO N=\([0-9]*\) stock_got=[0-9]* stock_failed=\([0-9]*\) reserve_got=[0-9]* reserve_failed=\([0-9]*\).*/\1 \2 \3/p' "$L" |
		while read -r n s r; do printf '   %6s   %25s   %34s\n' "$n" "$s" "$r"; done
} > "$table"
python3 - "$TOP/README.md" "$table" <<'PY'
import sys
path, table = sys.argv[1], open(sys.argv[2]).read()
s = open(path).read()
b, e = "<!-- pressure-table:begin -->", "<!-- pressure-table:end -->"
i, j = s.index(b) + len(b), s.index(e)
s = s[:i] + "\n```\n" + table + "```\n" + s[j:]
open(path, "w").write(s)
PY
# The cover letter is made from its template; @PRESSURE_TABLE@ is replaced.
python3 - "$TOP/workflow/cover-letter.in" "$TOP/workflow/cover-letter.txt" "$table" <<'PY'
import sys
tmpl, out, table = sys.argv[1], sys.argv[2], open(sys.argv[3]).read()
s = open(tmpl).read()
s = s.replace("@PRESSURE_TABLE@\n", "".join("  " + l if l.strip() else "\n"
                                              for l in table.splitlines(True)))
open(out, "w").write(s)
PY
rm -f "$table"
log "updated README.md and workflow/cover-letter.txt from $L"
