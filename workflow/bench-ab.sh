#!/bin/bash
# Measure a change to the series against the series: builds make bench's
# UML kernel from each given kernel (one build directory each,
# build/bench-ab-LABEL, all from one source path, build/bench-ab-src, so
# that ccache serves what they share), boots them in turn, BENCH_RUNS
# rounds (default 3; 0 only builds), and prints workflow/bench-compare.py's
# table of the boots. A kernel is a commit of build/linux, or patch
# files (A.patch+B.patch), applied on the series (the experiments of README's
# Numbers are in workflow/bench/exp-*.patch, so that their rows can be
# measured again). The bench.sh settings (BENCH_CASES, ...) apply to every
# kernel.
#   bench-ab.sh LABEL=COMMIT|LABEL=FILE.patch[+FILE.patch] ...
#   e.g. bench-ab.sh series=aqr array=workflow/bench/exp-pool-array.patch
set -euo pipefail
. "$(dirname "$0")/common.sh"
[ $# -ge 2 ] || die "usage: bench-ab.sh LABEL=COMMIT|LABEL=FILE.patch ..."
RUNS=${BENCH_RUNS:-3}
# The kernels are checked out in a worktree of build/linux of their own,
# so that build/linux, which other make targets build from, stays as it is.
AB=$BUILD/bench-ab-src
[ -d "$AB" ] || git -C "$KSRC" worktree add -q --detach "$AB" "$SERIES_BRANCH"
trap 'git -C "$AB" am --abort 2>/dev/null || true' EXIT
# A patch file becomes a commit on the series, so that every kernel is a
# commit from here on.
commits=()
for kc in "$@"; do
	ref=${kc#*=}
	if [ -f "${ref%%+*}" ]; then
		git -C "$AB" checkout -q --detach "$SERIES_BRANCH"
		for f in ${ref//+/ }; do
			git -C "$AB" am -q "$(realpath "$f")" || die "bench-ab: $f does not apply"
		done
		ref=$(git -C "$AB" rev-parse HEAD)
	fi
	commits+=("${kc%%=*}=$ref")
done
set -- "${commits[@]}"
for kc in "$@"; do
	git -C "$AB" checkout -q --detach "${kc#*=}"
	SRC=$AB BENCH_DIR=$BUILD/bench-ab-${kc%%=*} BENCH_RUNS=0 BENCH_OUT=/dev/null \
		"$TOP/workflow/bench.sh" > /dev/null
	log "bench-ab: built ${kc%%=*} from $(git -C "$AB" log --oneline -1)"
done
# BENCH_RUNS=0: build only (the boots of a later run then find them built).
[ "$RUNS" -gt 0 ] || exit 0
files=()
for kc in "$@"; do
	: > "$BUILD/bench-ab-${kc%%=*}.txt"
	files+=("${kc%%=*}=$BUILD/bench-ab-${kc%%=*}.txt")
done
for r in $(seq 1 "$RUNS"); do
	for kc in "$@"; do
		l=${kc%%=*}
		SRC=$AB BENCH_DIR=$BUILD/bench-ab-$l BENCH_BUILT=1 BENCH_RUNS=1 BENCH_OUT=$BUILD/bench-ab-$l.one \
			"$TOP/workflow/bench.sh" > /dev/null
		{ echo "# boot $r"; grep '^bench: ' "$BUILD/bench-ab-$l.one"; } >> "$BUILD/bench-ab-$l.txt"
	done
done
echo "# $(date -u +%Y-%m-%d), host $(nproc) x $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | sed -n 1p), UML, $RUNS rounds of one boot each, in turn"
for kc in "$@"; do echo "# ${kc%%=*}: $(git -C "$AB" log --oneline -1 "${kc#*=}")"; done
python3 "$TOP/workflow/bench-compare.py" "${files[@]}"
