#!/bin/bash
# Build every patch of the series on its own (UML, feature on, W=1 on the
# files the series touches) in a separate worktree, so that the series
# stays bisectable. Uses the KUnit UML config as the base config.
set -euo pipefail
. "$(dirname "$0")/common.sh"
WT=$BUILD/bisect-src
OUT=$BUILD/bisect-um
export CCACHE_DIR=$BUILD/ccache
cd "$KSRC"
"$TOP/workflow/apply.sh" >/dev/null
[ -d "$WT" ] || git worktree add -q --detach "$WT" base
mkdir -p "$OUT"
[ -f "$OUT/.config" ] || cp "$BUILD/kunit-um/.config" "$OUT/.config"
fail=0
for c in $(git rev-list --reverse base.."$SERIES_BRANCH"); do
	subj=$(git log -1 --format=%s "$c")
	git -C "$WT" checkout -q --detach "$c"
	files=$(git diff --name-only "$c~1" "$c" -- '*.c')
	objs=$(for f in $files; do echo "${f%.c}.o"; done)
	if make -s -C "$WT" ARCH=um O="$OUT" CC="ccache gcc" olddefconfig >/dev/null &&
	   make -s -C "$WT" -j"$(nproc)" ARCH=um O="$OUT" CC="ccache gcc" >"$OUT/build.log" 2>&1 &&
	   { [ -z "$objs" ] || make -s -C "$WT" ARCH=um O="$OUT" CC="ccache gcc" W=1 $objs >>"$OUT/build.log" 2>&1; } &&
	   ! grep -q 'warning:' "$OUT/build.log"; then
		echo "ok build $subj"
	else
		echo "not ok build $subj"
		grep -E 'error|warning' "$OUT/build.log" | head -n 20
		fail=1
	fi
done
exit $fail
