#!/bin/bash
# Zero-cost comparison: alloc_page(GFP_ATOMIC) + __free_page() pairs in
# hardirq on a UML kernel with the series (reserve at 0) and on one
# without it, same harness (workflow/bench/par_bench_stock.c, built into
# both), same config otherwise. The two kernels boot alternately
# $ZERO_RUNS times each; $BUILD/bench-zero.txt gets every run and, per
# kernel, the median of the runs' medians and p99s.
#   ZERO_SAMPLES  samples per CPU and run, 64 pairs each (default 2000)
#   ZERO_RUNS   boots of each kernel (default 3)
set -euo pipefail
. "$(dirname "$0")/common.sh"
SAMPLES=${ZERO_SAMPLES:-2000}
RUNS=${ZERO_RUNS:-3}
cfg=$TOP/workflow/bench/zero.kunitconfig
declare -A rev=([base]=base [series]=$SERIES_BRANCH)
for k in base series; do
	wt=$BUILD/zero-src-$k
	if [ ! -d "$wt" ]; then
		git -C "$KSRC" worktree add -q --detach "$wt" "${rev[$k]}"
	else
		git -C "$wt" checkout -q -f --detach "${rev[$k]}"
	fi
	cp "$TOP/workflow/bench/par_bench_stock.c" "$wt/lib/"
	grep -q par_bench_stock "$wt/lib/Makefile" ||
		echo 'obj-y += par_bench_stock.o' >> "$wt/lib/Makefile"
	extra=()
	[ $k = series ] && extra=(--kconfig_add CONFIG_PAGE_ATOMIC_RESERVE=y
				  --kconfig_add CONFIG_PAGE_ATOMIC_RESERVE_PAGES=0)
	log "zero-cost: building the $k UML kernel"
	(cd "$wt" && python3 tools/testing/kunit/kunit.py build --kunitconfig="$cfg" \
		--build_dir="$BUILD/zero-um-$k" --jobs="$(nproc)" \
		--make_options="CC=ccache gcc" "${extra[@]}") > "$BUILD/zero-um-$k.build.log" 2>&1 ||
		{ tail -n 30 "$BUILD/zero-um-$k.build.log"; die "zero-cost: $k build failed"; }
done
out=$BUILD/bench-zero.txt
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | sed -n 1p)
{
	echo "# date $(date -u +%Y-%m-%d)"
	echo "# host $(nproc) x $cpu"
	echo "# uml ncpus=2 seccomp=on mem=1G, $SAMPLES samples of 64 pairs per CPU, $RUNS boots of each kernel, alternating"
} > "$out"
for r in $(seq "$RUNS"); do
	for k in series base; do
		log "zero-cost: run $r of the $k kernel"
		(cd "$BUILD/zero-src-$k" && python3 tools/testing/kunit/kunit.py exec \
			--build_dir="$BUILD/zero-um-$k" --timeout=600 --raw_output=all \
			--kernel_args seccomp=on --kernel_args ncpus=2 \
			--kernel_args par_bench_stock_samples="$SAMPLES" \
			--kernel_args par_bench_stock_tag="stock-$k") > "$BUILD/zero-um-$k.run$r.log" 2>&1 || true
		grep -q 'a batch did not run in hardirq' "$BUILD/zero-um-$k.run$r.log" &&
			die "zero-cost: not in hardirq context"
		line=$(sed -n 's/.*par_bench_stock: bench: case=stock/case=stock/p' "$BUILD/zero-um-$k.run$r.log")
		[ -n "$line" ] || die "zero-cost: no result from $BUILD/zero-um-$k.run$r.log"
		echo "# run $r $line" >> "$out"
	done
done
python3 - "$out" <<'PY' >> "$out"
import sys, statistics
runs = {}
for line in open(sys.argv[1]):
    if line.startswith('# run '):
        kv = dict(f.split('=', 1) for f in line.split()[3:] if '=' in f)
        runs.setdefault(kv['case'], []).append(kv)
for case, rs in runs.items():
    med = int(statistics.median(int(r['median_ns']) for r in rs))
    p99 = int(statistics.median(int(r['p99_ns']) for r in rs))
    mx = max(int(r['max_ns']) for r in rs)
    failed = sum(int(r['failed']) for r in rs)
    n = sum(int(r['pairs']) for r in rs)
    print(f"bench: case={case} pairs={n} failed={failed} fallback=0 median_ns={med} p99_ns={p99} max_ns={mx}")
PY
cat "$out"
