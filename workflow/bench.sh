#!/bin/bash
# Latency benchmark (hardirq alloc+free pairs) on UML, which runs kernel
# code at native speed: builds a lean UML kernel from the series with the
# reserve and lib/test_page_atomic_reserve built in, boots it with
# atomic_reserve=$BENCH_RESERVE and the module's "bench" test as its
# boot-time test, on 2 CPUs (seccomp=on ncpus=2), $BENCH_RUNS times, and
# writes the raw result lines of every boot to $BUILD/bench.txt, each boot's
# after a "# boot N" line, with the conditions of the run.
#   BENCH_SAMPLES  samples per case and CPU (default 2000)
#   BENCH_CHAIN    alloc+free pairs per sample (default 64: 4 ns steps on
#                  UML, whose clock ticks in 256 ns steps)
#   BENCH_RESERVE  reserve size per node, pages (default 1024)
#   BENCH_RUNS     boots (default 3: one boot's tail says little)
#   SRC            kernel tree to build (default: $KSRC, the applied series)
#   BENCH_OUT      result file (default: $BUILD/bench.txt, which make report
#                  reads)
# For other uses of the same harness (make breakdown):
#   BENCH_DIR      build directory (default: $BUILD/bench-um)
#   BENCH_KCONFIG  more options for that kernel, "CONFIG_X=y ..."
#   BENCH_MAKE     more make options, "X=Y ..."
#   BENCH_CASES    the module's cases= (default: all)
#   BENCH_GAP_US   the module's gap_us= (default: its own, 1000)
#   BENCH_WRAP     a command each boot runs under; %d is the boot's number
#   BENCH_BUILT    1: boot the kernel in BENCH_DIR as it is, without
#                  building it from SRC first (to alternate the boots of
#                  kernels built from different trees)
set -euo pipefail
. "$(dirname "$0")/common.sh"
SRC=${SRC:-$KSRC}
OUT=${BENCH_DIR:-$BUILD/bench-um}
SAMPLES=${BENCH_SAMPLES:-2000}
CHAIN=${BENCH_CHAIN:-64}
RESERVE=${BENCH_RESERVE:-1024}
RUNS=${BENCH_RUNS:-3}
RESULT=${BENCH_OUT:-$BUILD/bench.txt}
mkdir -p "$OUT"
log "bench: building UML in $OUT and running $SAMPLES samples per case and CPU, $RUNS boots"
cd "$SRC"
# kunit.py builds the kernel once and boots it once per run; one quick
# KUnit case runs after the benchmark so that the kernel halts cleanly.
kargs=(--kernel_args seccomp=on --kernel_args ncpus=2
	--kernel_args atomic_reserve="$RESERVE"
	--kernel_args test_page_atomic_reserve.test=bench
	--kernel_args test_page_atomic_reserve.iterations="$SAMPLES"
	--kernel_args test_page_atomic_reserve.chain="$CHAIN")
[ -z "${BENCH_CASES:-}" ] || kargs+=(--kernel_args test_page_atomic_reserve.cases="$BENCH_CASES")
[ -z "${BENCH_GAP_US:-}" ] || kargs+=(--kernel_args test_page_atomic_reserve.gap_us="$BENCH_GAP_US")
bargs=(--kconfig_add CONFIG_SMP=y --kconfig_add CONFIG_NR_CPUS=2
	--kconfig_add CONFIG_RUNTIME_TESTING_MENU=y
	--kconfig_add CONFIG_TEST_PAGE_ATOMIC_RESERVE=y)
for o in ${BENCH_KCONFIG:-}; do bargs+=(--kconfig_add "$o"); done
for o in ${BENCH_MAKE:-}; do bargs+=(--make_options "$o"); done
[ "${BENCH_BUILT:-0}" = 1 ] ||
	python3 tools/testing/kunit/kunit.py build --kunitconfig=mm/tests/.kunitconfig \
		--build_dir="$OUT" --jobs="$(nproc)" --make_options="CC=ccache gcc" "${bargs[@]}" \
		> "$OUT/build.log" 2>&1 || { tail -n 40 "$OUT/build.log"; die "bench: build failed"; }
bench_boot() { # N
	local rc=0 raw=$OUT/raw-$1.log wrap=()
	[ -z "${BENCH_WRAP:-}" ] || read -r -a wrap <<< "${BENCH_WRAP//%d/$1}"
	"${wrap[@]}" python3 tools/testing/kunit/kunit.py exec --build_dir="$OUT" --timeout=900 \
		"${kargs[@]}" --raw_output=all 'page_atomic_reserve.par_test_gfp_names' > "$raw" 2>&1 || rc=$?
	if ! grep -q 'bench: case=' "$raw"; then
		tail -n 40 "$raw"
		die "bench: no result in boot $1 (kunit.py exit $rc); see $raw"
	fi
	if grep -q 'did not run in hardirq' "$raw"; then
		die "bench: a batch did not run in hardirq context"
	fi
	log "bench: boot $1 of $RUNS done"
}
for r in $(seq 1 "$RUNS"); do
	bench_boot "$r"
done
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | sed -n 1p)
{
	echo "# date $(date -u +%Y-%m-%d)"
	echo "# kernel $(cat "$OUT/include/config/kernel.release") ARCH=um (UML), no KVM, no QEMU"
	echo "# host $(nproc) x $cpu"
	echo "# uml ncpus=2 seccomp=on mem=1G atomic_reserve=$RESERVE"
	for r in $(seq 1 "$RUNS"); do
		echo "# boot $r"
		sed -n 's/.*test_page_atomic_reserve: bench: /bench: /p' "$OUT/raw-$r.log"
	done
} > "$RESULT"
cat "$RESULT"
log "bench: results in $RESULT"
