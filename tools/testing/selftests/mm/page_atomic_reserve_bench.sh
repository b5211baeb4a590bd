#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Latency of order-0 allocation and free in hardirq context: the atomic
# page reserve against stock GFP_ATOMIC, a page mempool, alloc_pages_nolock()
# and a bare per-CPU array. Loads test_page_atomic_reserve with test=bench
# and prints its results, one line per case, with the ratio of each median
# and p99 to those of stock GFP_ATOMIC.
#
# A benchmark, not a pass/fail test: it fails only when the benchmark
# cannot run or a batch did not run in hardirq context.
#
#   page_atomic_reserve_bench.sh [-s PAGES] [-n SAMPLES] [-c CPULIST] [-t CASES]
#
#   -s PAGES    size every node's reserve to PAGES for the run (default:
#               1024 where a node has none); the sizes are restored after
#   -n SAMPLES  samples per case and CPU, each of 32 alloc+free pairs in a
#               row (default 2000)
#   -c CPULIST  CPUs to run on, one after the other (default: all online)
#   -t CASES    comma-separated cases (default: all this kernel allows)
#
# The module is looked up in $PAGE_ATOMIC_RESERVE_MODULE, else in
# /lib/modules/$(uname -r)/kernel/lib/test_page_atomic_reserve.ko.

ksft_skip=4
root=/sys/kernel/mm/atomic_reserve
mod=${PAGE_ATOMIC_RESERVE_MODULE:-/lib/modules/$(uname -r)/kernel/lib/test_page_atomic_reserve.ko}
size='' samples=2000 cpus='' cases=''

while getopts s:n:c:t: opt; do
	case $opt in
	s) size=$OPTARG ;;
	n) samples=$OPTARG ;;
	c) cpus=$OPTARG ;;
	t) cases=$OPTARG ;;
	*) echo "usage: $0 [-s PAGES] [-n SAMPLES] [-c CPULIST] [-t CASES]" >&2
	   exit 2 ;;
	esac
done

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root"
	exit $ksft_skip
fi
if [ ! -d "$root" ] || [ ! -f "$mod" ]; then
	echo "SKIP: needs $root and $mod"
	exit $ksft_skip
fi

saved=
for n in "$root"/node*; do
	saved="$saved $n:$(cat "$n/size")"
	if [ -n "$size" ]; then
		echo "$size" > "$n/size"
	elif [ "$(cat "$n/size")" -eq 0 ]; then
		echo 1024 > "$n/size"
	fi
done
restore() {
	for s in $saved; do
		echo "${s##*:}" > "${s%:*}/size"
	done
}
trap restore EXIT

marker="page_atomic_reserve_bench.sh $$"
echo "$marker" > /dev/kmsg
# The module does its work in its init function and is not kept loaded:
# EAGAIN is success.
insmod "$mod" test=bench iterations="$samples" ${cpus:+cpus=$cpus} \
	${cases:+cases=$cases} 2>/dev/null
lines=$(dmesg | sed -n "/$marker/,\$p" | sed -n 's/.*test_page_atomic_reserve: bench: //p')
echo "$lines"
if ! echo "$lines" | grep -q '^case=' ||
   echo "$lines" | grep -q 'did not run in hardirq'; then
	echo "FAIL: the benchmark did not run"
	exit 1
fi
echo "$lines" | awk '
	/^case=/ {
		for (i = 1; i <= NF; i++) {
			split($i, kv, "=")
			v[kv[1]] = kv[2]
		}
		name[++n] = v["case"]; med[n] = v["median_ns"]; p99[n] = v["p99_ns"]
		if (v["case"] == "stock") { smed = v["median_ns"]; sp99 = v["p99_ns"] }
	}
	END {
		if (!smed)
			exit
		printf "%-20s %10s %10s\n", "case", "median/stock", "p99/stock"
		for (i = 1; i <= n; i++)
			printf "%-20s %10.2f %10.2f\n", name[i], med[i] / smed, p99[i] / sp99
	}'
