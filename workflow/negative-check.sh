#!/bin/bash
# Negative control for the booted-kernel run: put a WARN_ON_ONCE(1) into
# the reserve's allocation path, rebuild, boot, and check that the run
# fails on the console splat even though every selftest passes. Restores
# the source and rebuilds the good kernel afterwards.
set -uo pipefail
. "$(dirname "$0")/common.sh"
W=$TOP/workflow
f=$KSRC/mm/page_atomic_reserve.c
cd "$KSRC"
git diff --quiet -- mm/page_atomic_reserve.c || die "$f has local changes"
restore() { git -C "$KSRC" checkout -q -- mm/page_atomic_reserve.c; }
trap restore EXIT
python3 - "$f" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
a = "\t/* Reserve pages are unaccounted lowmem pages of any node. */\n"
assert a in s
s = s.replace(a, "\tWARN_ON_ONCE(1);\t/* negative-check.sh */\n" + a, 1)
open(p, "w").write(s)
PY
log "negative control: WARN_ON_ONCE(1) in page_atomic_reserve_alloc()"
"$W/build-x86.sh" || die "broken build did not build"
if BOOT_TAG=-negative "$W/boot.sh" test > "$BUILD/negative.log" 2>&1; then
	rc=1
	log "FAIL: the boot run passed with a WARN in the allocation path"
else
	rc=0
	log "ok: the boot run failed on the WARN, as it must:"
	grep -m2 -E 'WARNING:|splat' "$BUILD/negative.log" >&2
fi
restore
trap - EXIT
"$W/build-x86.sh" >/dev/null || die "rebuilding the good kernel failed"
exit $rc
