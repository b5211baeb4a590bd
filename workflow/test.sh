#!/bin/bash
# The project's test command: installs what is missing, fetches the pinned
# base, applies the series, then runs the sync check, the per-patch gates,
# KUnit, configuration builds, b4, the booted kernel's selftests, htmldocs.
# Ends with "N passed, N failed".
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

# Per patch: applies, whole-tree UML and x86_64 builds, checkpatch --strict
# --codespell, kernel-doc, W=1 and sparse, perf/selftests/shellcheck; one
# test per gate and patch. It leaves the UML and x86_64 build directories
# up to date for the whole series, so the builds below are incremental.
gates_out=$("$W/gates.sh")
gates_rc=$?
echo "$gates_out"
pass=$((pass + $(echo "$gates_out" | grep -c '^ok ')))
fail=$((fail + $(echo "$gates_out" | grep -c '^not ok ')))
[ $gates_rc -eq 0 ] || echo "$gates_out" | grep -q '^not ok ' || result "per-patch gates" 1

kunit() { # arch
	rm -f "$BUILD/kunit-$1/counts"
	"$W/kunit.sh" "$1"
	if [ -f "$BUILD/kunit-$1/counts" ]; then
		read -r k_pass k_fail k_skip < "$BUILD/kunit-$1/counts"
		pass=$((pass + k_pass)); fail=$((fail + k_fail))
	else
		result "KUnit on $1" 1
	fi
}
kunit um

# The series also builds with the feature off, SYSFS=n and SMP=n (UML,
# which also has NUMA=n); one test per configuration.
cb_out=$("$W/config-builds.sh")
echo "$cb_out"
pass=$((pass + $(echo "$cb_out" | grep -c '^ok build')))
fail=$((fail + $(echo "$cb_out" | grep -c '^not ok build')))
[ -n "$(echo "$cb_out" | grep '^ok build\|^not ok build')" ] || result "configuration builds" 1

# b4 writes the mails (cover letter with change-id and base-commit, no
# EDITME), and checkpatch --strict is clean on each of them.
b4_out=$("$W/b4.sh" 2>&1)
b4_rc=$?
echo "$b4_out" | grep -E '^(ok|not ok) checkpatch'
result "b4 prepares the series and writes the mails" $b4_rc

# The booted x86_64 kernel under QEMU (TCG unless KVM=1): selftests, sysfs
# tests and trace events.
if "$W/build-x86.sh"; then
	rm -f "$BUILD/boot-test.counts"
	"$W/boot.sh" test
	if [ -f "$BUILD/boot-test.counts" ]; then
		read -r b_pass b_fail b_skip < "$BUILD/boot-test.counts"
		pass=$((pass + b_pass)); fail=$((fail + b_fail))
	else
		result "booted-kernel selftests" 1
	fi
	# Negative control: a WARN in the allocation path must fail that run.
	"$W/negative-check.sh"
	result "a WARN in the alloc path fails the booted-kernel run" $?
else
	result "x86_64 kernel build" 1
fi

# The documentation the series touches builds with no new Sphinx warning.
"$W/htmldocs.sh"; result "htmldocs: no warning added to admin-guide, mm, core-api" $?

# KUnit on a real architecture as well (x86_64 under QEMU).
[ "${SKIP_KUNIT_X86:-0}" = 1 ] || kunit x86_64
finish
