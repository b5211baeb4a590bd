#!/bin/bash
# Measure a change to the series against the series: builds make bench's
# UML kernel from each given commit of build/linux (one build directory
# each, build/bench-ab-LABEL; the same source path, so that ccache serves
# what the commits share), boots them in turn, BENCH_RUNS rounds (default
# 3), and prints workflow/bench-compare.py's table of the boots.
# build/linux is back on the series' branch afterwards.
#   bench-ab.sh LABEL=COMMIT ...    e.g. series=aqr prefetch=exp
set -euo pipefail
. "$(dirname "$0")/common.sh"
[ $# -ge 2 ] || die "usage: bench-ab.sh LABEL=COMMIT LABEL=COMMIT ..."
RUNS=${BENCH_RUNS:-3}
git -C "$KSRC" diff --quiet HEAD || die "$KSRC has uncommitted changes"
trap 'git -C "$KSRC" checkout -q "$SERIES_BRANCH"' EXIT
for kc in "$@"; do
	git -C "$KSRC" checkout -q --detach "${kc#*=}"
	BENCH_DIR=$BUILD/bench-ab-${kc%%=*} BENCH_RUNS=0 BENCH_OUT=/dev/null \
		"$TOP/workflow/bench.sh" > /dev/null
	log "bench-ab: built ${kc%%=*} from $(git -C "$KSRC" log --oneline -1)"
done
files=()
for kc in "$@"; do
	: > "$BUILD/bench-ab-${kc%%=*}.txt"
	files+=("${kc%%=*}=$BUILD/bench-ab-${kc%%=*}.txt")
done
for r in $(seq 1 "$RUNS"); do
	for kc in "$@"; do
		l=${kc%%=*}
		BENCH_DIR=$BUILD/bench-ab-$l BENCH_BUILT=1 BENCH_RUNS=1 BENCH_OUT=$BUILD/bench-ab-$l.one \
			"$TOP/workflow/bench.sh" > /dev/null
		{ echo "# boot $r"; grep '^bench: ' "$BUILD/bench-ab-$l.one"; } >> "$BUILD/bench-ab-$l.txt"
	done
done
echo "# $(date -u +%Y-%m-%d), host $(nproc) x $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | sed -n 1p), UML, $RUNS rounds of one boot each, in turn"
for kc in "$@"; do echo "# ${kc%%=*}: $(git -C "$KSRC" log --oneline -1 "${kc#*=}")"; done
python3 "$TOP/workflow/bench-compare.py" "${files[@]}"
