#!/bin/bash
# The project's test command: installs what is missing, fetches the pinned
# base, applies the series, then runs the sync check, checkpatch on every
# patch and the KUnit suite. Ends with "N passed, N failed".
set -uo pipefail
. "$(dirname "$0")/common.sh"
W=$TOP/workflow
pass=0 fail=0
result() { # name rc
	if [ "$2" -eq 0 ]; then echo "ok - $1"; pass=$((pass + 1));
	else echo "not ok - $1"; fail=$((fail + 1)); fi
}
finish() { echo "$pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit; }

"$W/deps.sh" || { result "install dependencies" 1; finish; }
"$W/fetch-base.sh" || { result "fetch pinned base" 1; finish; }
"$W/apply.sh" >/dev/null; rc=$?
result "git am of patches/ onto the pinned base" $rc
[ $rc -eq 0 ] || finish

"$W/check-sync.sh"; result "kernel-layout copies match patches/" $?

"$W/checkpatch.sh"
read -r cp_pass cp_fail < "$BUILD/checkpatch.counts"
pass=$((pass + cp_pass)); fail=$((fail + cp_fail))

"$W/kunit.sh" um
if [ -f "$BUILD/kunit-um/counts" ]; then
	read -r k_pass k_fail k_skip < "$BUILD/kunit-um/counts"
	pass=$((pass + k_pass)); fail=$((fail + k_fail))
else
	result "KUnit on UML" 1
fi
finish
