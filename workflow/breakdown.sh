#!/bin/bash
# Where the time of an alloc+free pair goes: the benchmark's kernel (make
# bench's harness, bench.sh), built with frame pointers in
# $BUILD/bench-prof, boots once per case and run with only that case in
# its hardirq samples (test_page_atomic_reserve cases=CASE), under the
# host's perf sampling the CPU time of the UML process (cpu-clock, with
# call chains). UML runs kernel code as a host process, so the host's
# profiler sees the kernel's functions. workflow/breakdown-table.py keeps
# the samples taken inside the module's timed loop (bench_sample) and
# gives each function's share of the loop's CPU time, inclusive of what
# it calls, and that share of the bench's own clock median in ns. Writes
# $BUILD/breakdown.txt and README's breakdown table.
#   BREAKDOWN_CASES    cases (default: stock reserve reserve_zero)
#   BREAKDOWN_RUNS     boots per case (default 3), cases alternating
#   BREAKDOWN_SAMPLES  samples per CPU and boot (default 3000)
#   BREAKDOWN_GAP_US   gap_us between two interrupts (default 1000, as
#                      make bench; UML's bench kernel has HZ=100 and no
#                      high-resolution timers: they come a tick or two apart)
#   BREAKDOWN_FREQ     perf's sampling frequency, Hz (default 50000)
#   BREAKDOWN_TAG      profile the tree build/linux has checked out into
#                      $BUILD/bench-prof-TAG and $BUILD/breakdown-TAG, and
#                      leave README alone (a change measured against the
#                      series; build/linux stays as it is)
set -euo pipefail
. "$(dirname "$0")/common.sh"
CASES=${BREAKDOWN_CASES:-stock reserve reserve_zero}
RUNS=${BREAKDOWN_RUNS:-3}
SAMPLES=${BREAKDOWN_SAMPLES:-3000}
GAP=${BREAKDOWN_GAP_US:-1000}
FREQ=${BREAKDOWN_FREQ:-50000}
TAG=${BREAKDOWN_TAG:+-$BREAKDOWN_TAG}
OUT=$BUILD/breakdown$TAG
"$TOP/workflow/deps.sh" linux-perf
rm -rf "$OUT"
mkdir -p "$OUT"
# Frame pointers for the call chains (UML allows them with DEBUG_KERNEL);
# the reserve's and the module's static functions called from one place
# stay functions of their own, so that they show as parts.
noinline=-fno-inline-functions-called-once
export BENCH_DIR=$BUILD/bench-prof$TAG BENCH_RUNS=1 BENCH_SAMPLES=$SAMPLES BENCH_GAP_US=$GAP
export BENCH_KCONFIG="CONFIG_DEBUG_KERNEL=y CONFIG_FRAME_POINTER=y"
export BENCH_MAKE="CFLAGS_page_atomic_reserve.o=$noinline CFLAGS_test_page_atomic_reserve.o=$noinline"
for r in $(seq 1 "$RUNS"); do
	for c in $CASES; do
		d=$OUT/$c-$r
		mkdir -p "$d"
		BENCH_CASES=$c BENCH_OUT=$d/bench.txt \
			BENCH_WRAP="perf record -q -g -e cpu-clock -F $FREQ -o $d/perf.data --" \
			"$TOP/workflow/bench.sh" > /dev/null
		cp "$BENCH_DIR/raw-1.log" "$d/raw.log"
		perf script -i "$d/perf.data" -F comm,period,ip,sym,symoff 2> /dev/null |
			gzip > "$d/script.gz"
		rm -f "$d/perf.data"
		log "breakdown: $c, boot $r of $RUNS done"
	done
done
# The reserve's own code, by instruction (breakdown-table.py's HOT).
for f in page_atomic_reserve_alloc page_atomic_reserve_free page_atomic_reserve_page_freed; do
	objdump -d --no-show-raw-insn --disassemble="$f" "$BENCH_DIR/linux" | grep -E '^ *[0-9a-f]+( <|:)' || true
done > "$OUT/disasm.txt"
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | sed -n 1p)
{
	echo "Where a pair's time goes, $(date -u +%Y-%m-%d): kernel"
	echo "$(cat "$BENCH_DIR/include/config/kernel.release") on UML (no QEMU, no KVM), host $(nproc) x"
	echo "$cpu, profiled by the host's perf (cpu-clock, $FREQ Hz,"
	echo "frame-pointer call chains); UML ncpus=2 seccomp=on mem=1G"
	echo "atomic_reserve=${BENCH_RESERVE:-1024}, $SAMPLES samples of ${BENCH_CHAIN:-64} pairs per CPU, gap_us=$GAP"
	echo "(HZ=100, no high-resolution timers: a tick or two apart)."
	python3 "$TOP/workflow/breakdown-table.py" "$OUT" $CASES
} > "$BUILD/breakdown$TAG.txt"
cat "$BUILD/breakdown$TAG.txt"
[ -n "$TAG" ] || python3 "$TOP/workflow/put-table.py" "$TOP/README.md" breakdown "$BUILD/breakdown.txt"
log "breakdown: $BUILD/breakdown$TAG.txt${TAG:-, and README.md}"
