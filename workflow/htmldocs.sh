#!/bin/bash
# Build the documentation the series touches with Debian's Sphinx, for the
# pinned base and for the series, and fail on any warning the series adds.
# Line numbers are ignored when comparing (the series moves lines).
# References to absolute document paths ("unknown document: '/...'")
# cannot resolve in a SPHINXDIRS build, whose root is one directory; the
# base shows that with its own (sysfs-kernel-slab), so new ones of that
# kind are listed but do not fail the run.
# Only the directories the series touches are built (admin-guide/mm, mm,
# core-api for the gfp flags' kernel-doc); the ABI file, which Sphinx would
# only read in a whole admin-guide build, is checked with the kernel's own
# ABI validator (tools/docs/get_abi.py validate), base against series.
set -uo pipefail
. "$(dirname "$0")/common.sh"
"$TOP/workflow/deps.sh" python3-sphinx python3-yaml
"$TOP/workflow/apply.sh" >/dev/null || exit 1
DIRS=${HTMLDOCS_DIRS:-"admin-guide/mm mm core-api"}
base_src=$BUILD/htmldocs-src-base
if [ ! -d "$base_src" ]; then
	git -C "$KSRC" worktree add -q --detach "$base_src" base || exit 1
fi
build() { # name tree
	local out=$BUILD/htmldocs-$1
	mkdir -p "$out"
	log "htmldocs ($1): make SPHINXDIRS=\"$DIRS\" htmldocs"
	PATH=/usr/bin:/bin:$PATH make -C "$2" O="$out" SPHINXDIRS="$DIRS" \
		htmldocs > "$out/build.log" 2>&1 || { tail -n 20 "$out/build.log"; return 1; }
	grep -E 'WARNING|ERROR' "$out/build.log" |
		sed -e "s#$2/##g" -e "s#$out/##g" -e 's/:[0-9][0-9]*: /: /' | sort -u > "$out/warnings"
}
abi() { # tree: the validator's warnings, without line numbers
	python3 "$1/tools/docs/get_abi.py" --dir "$1/Documentation/ABI" validate 2>&1 |
		sed -e "s#$1/##g" -e 's/:[0-9][0-9]*//g' | sort -u
}
abi_new=$(comm -13 <(abi "$base_src") <(abi "$KSRC") | grep . || true)
n_abi=$(python3 "$KSRC/tools/docs/get_abi.py" --dir "$KSRC/Documentation/ABI" \
	search '/sys/kernel/mm/atomic_reserve/' 2>/dev/null | grep -cE '^[0-9]+\. /sys/kernel/mm/atomic_reserve' || true)
log "ABI: $n_abi /sys/kernel/mm/atomic_reserve entries parsed"
if [ -n "$abi_new" ] || [ "$n_abi" -eq 0 ]; then
	echo "$abi_new"
	echo "not ok ABI: the validator warns about the series' ABI file, or finds none of its entries"
	exit 1
fi
build base "$base_src" || { echo "not ok htmldocs build of the base"; exit 1; }
build series "$KSRC" || { echo "not ok htmldocs build of the series"; exit 1; }
new=$(comm -13 "$BUILD/htmldocs-base/warnings" "$BUILD/htmldocs-series/warnings")
absolute=$(echo "$new" | grep "unknown document: '/" || true)
rest=$(echo "$new" | grep -v "unknown document: '/" | grep . || true)
log "base: $(wc -l < "$BUILD/htmldocs-base/warnings") warnings, series: $(wc -l < "$BUILD/htmldocs-series/warnings")"
[ -z "$absolute" ] || { echo "# absolute references a SPHINXDIRS build cannot resolve:"; echo "$absolute" | sed 's/^/#   /'; }
if [ -n "$rest" ]; then
	echo "$rest"
	echo "not ok htmldocs: the series adds warnings"
	exit 1
fi
echo "ok htmldocs: $DIRS build with no warning the series adds"
