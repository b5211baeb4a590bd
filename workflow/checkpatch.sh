#!/bin/bash
# scripts/checkpatch.pl --strict on every patch of the series. Prints one
# "ok"/"not ok" line per patch; any ERROR, WARNING or CHECK fails it.
set -uo pipefail
. "$(dirname "$0")/common.sh"
cd "$KSRC"
pass=0 fail=0
for p in "$PATCHES"/*.patch; do
	case $p in */0000-cover-letter.patch) continue ;; esac
	out=$(checkpatch --strict --showfile --color=never \
		"$p" 2>&1)
	if ! grep -q '^total: 0 errors, 0 warnings, 0 checks' <<<"$out"; then
		echo "not ok checkpatch $(basename "$p")"
		echo "$out" | grep -E -A4 '(ERROR|WARNING|CHECK):|^total:' | sed 's/^/    /' | sed -n 1,60p
		fail=$((fail + 1))
	else
		echo "ok checkpatch $(basename "$p")"
		pass=$((pass + 1))
	fi
done
echo "$pass $fail" > "$BUILD/checkpatch.counts"
[ $fail -eq 0 ]
