#!/bin/bash
# Build the documentation the series touches with Debian's Sphinx and fail
# on any warning about what the series adds or changes.
set -uo pipefail
. "$(dirname "$0")/common.sh"
"$TOP/workflow/deps.sh" python3-sphinx python3-yaml
OUT=$BUILD/htmldocs
mkdir -p "$OUT"
"$TOP/workflow/apply.sh" >/dev/null || exit 1
cd "$KSRC"
log "make SPHINXDIRS=\"admin-guide mm core-api\" htmldocs"
PATH=/usr/bin:/bin:$PATH make O="$OUT" SPHINXDIRS="admin-guide mm core-api" \
	htmldocs > "$OUT/build.log" 2>&1
rc=$?
mine=$(grep -iE 'warning|error' "$OUT/build.log" |
	grep -E 'page_atomic_reserve|atomic_quality|gfp_types|Quality modifiers|kernel-parameters|mm-api|admin-guide/mm/index|Documentation/mm/index' || true)
if [ $rc -ne 0 ]; then
	tail -n 20 "$OUT/build.log"
	echo "not ok htmldocs build (exit $rc)"
	exit 1
fi
if [ -n "$mine" ]; then
	echo "$mine"
	echo "not ok htmldocs: warnings in the series' documentation"
	exit 1
fi
echo "ok htmldocs: admin-guide, mm and core-api build with no warning from the series"
