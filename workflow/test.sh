#!/bin/bash
# The project's test command (and CI's): installs what is missing, fetches
# the pinned base, applies the series, then runs the sync check, the check
# of the per-patch gate record, checkpatch per patch, KUnit on UML, the
# booted x86_64 kernel's selftests and the negative control, b4, htmldocs
# and KUnit on x86_64 PREEMPT_RT. Prints how long each stage took and ends
# with "N passed, N failed".
# The per-patch gates and the configuration builds are too slow for a cold
# CI machine: "make gates" runs them before export and commits a record of
# its result; here a test fails unless that record is green and belongs to
# exactly these patches and gate scripts.
set -uo pipefail
. "$(dirname "$0")/common.sh"
W=$TOP/workflow
mkdir -p "$BUILD"
STAGES=$BUILD/test-stages.txt
: > "$STAGES"
pass=0 fail=0
FAILED=() # what failed, repeated at the end where CI's excerpt shows it
result() { # name rc
	if [ "$2" -eq 0 ]; then echo "ok - $1"; pass=$((pass + 1));
	else echo "not ok - $1"; fail=$((fail + 1)); FAILED+=("$1"); fi
}
# Adds the "<passed> <failed> <skipped>" of a counts file, or fails $2;
# the lines of a "failures" file beside it name what failed.
counts() { # file name
	local p f l
	if [ -f "$1" ]; then
		read -r p f _ < "$1"
		pass=$((pass + p)); fail=$((fail + f))
		if [ "$f" -gt 0 ] && [ -s "${1%counts}failures" ]; then
			while read -r l; do FAILED+=("$2: $l"); done < "${1%counts}failures"
		elif [ "$f" -gt 0 ]; then
			FAILED+=("$2: $f failed")
		fi
	else
		result "$2" 1
	fi
}
# Adds the ok/not ok lines of a check's output; fails $2 when it has none.
lines() { # output name
	local p f l
	p=$(echo "$1" | grep -c '^ok ' || true)
	f=$(echo "$1" | grep -c '^not ok ' || true)
	pass=$((pass + p)); fail=$((fail + f))
	while read -r l; do FAILED+=("$2: $l"); done < <(echo "$1" | grep '^not ok ')
	[ $((p + f)) -gt 0 ] || result "$2" 1
}
finish() {
	local f
	if [ ${#FAILED[@]} -gt 0 ]; then
		echo "Failed:"
		for f in "${FAILED[@]}"; do echo "  ${f:0:300}"; done
	fi
	echo "Stages (seconds):"
	stage_table
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
}

stage "setup: packages, pinned base, git am"
"$W/deps.sh" || { result "install dependencies" 1; finish; }
"$W/fetch-base.sh" || { result "fetch pinned base" 1; finish; }
"$W/apply.sh" >/dev/null; rc=$?
result "git am of patches/ onto the pinned base" $rc
[ $rc -eq 0 ] || finish
"$W/check-sync.sh"; result "kernel-layout copies match patches/" $?

stage "gate and matrix records, checkpatch"
# make gates: every patch applies and builds on UML and x86_64 with no
# warning, checkpatch --codespell, kernel-doc, W=1, sparse, tools, and the
# configuration builds (feature off, SYSFS=n, SMP=n).
"$W/record.sh" check gates; result "make gates passed for exactly these patches and gate scripts" $?
# make matrix: the series built on arm64, i386 with HIGHMEM, riscv64, with
# clang, in allnoconfig and in seeded randconfigs.
"$W/record.sh" check matrix; result "make matrix passed for exactly these patches' kernel hunks and matrix script" $?
# The check itself fails on a red record, one for other patches, or none.
rtmp=$(mktemp -d)
if [ -f "$TOP/workflow/records/gates.record" ]; then
	sed 's/^result: pass$/result: fail/' "$TOP/workflow/records/gates.record" > "$rtmp/gates.record"
	! RECORDS=$rtmp "$W/record.sh" check gates >/dev/null; r1=$?
	sed 's/^key: .*/key: 0000/' "$TOP/workflow/records/gates.record" > "$rtmp/gates.record"
	! RECORDS=$rtmp "$W/record.sh" check gates >/dev/null; r2=$?
	rm -f "$rtmp/gates.record"
	! RECORDS=$rtmp "$W/record.sh" check gates >/dev/null; r3=$?
	result "the record check refuses a red, a foreign and a missing record" $((r1 | r2 | r3))
fi
# The matrix key takes a patch's kernel hunks only: a changed changelog or
# selftest line leaves it, a changed line of mm/ does not.
p7=$(grep -l '^+++ b/tools/testing/selftests/mm/page_atomic_reserve.c' "$PATCHES"/00*.patch | head -1)
p1=$(grep -l '^+++ b/mm/page_atomic_reserve.c' "$PATCHES"/00*.patch | head -1)
if [ -n "$p7" ] && [ -n "$p1" ]; then
	sed '0,/^Subject:/s/^Subject:.*/&x/; 0,/^+.*ksft_test_result/s/ksft_test_result/&x/' \
		"$p7" > "$rtmp/p7"
	sed '0,/^+.*par_level/s/par_level/&x/' "$p1" > "$rtmp/p1"
	! cmp -s "$p7" "$rtmp/p7" && ! cmp -s "$p1" "$rtmp/p1" &&
		cmp -s <("$W/record.sh" part matrix "$p7") <("$W/record.sh" part matrix "$rtmp/p7") &&
		! cmp -s <("$W/record.sh" part matrix "$p1") <("$W/record.sh" part matrix "$rtmp/p1")
	result "the matrix key leaves out changelogs and selftests, not kernel code" $?
fi
rm -rf "$rtmp"
# kcsan-strict's filter (make hardening): a KCSAN report with a function
# of the series in it stays in the console, one without is taken out.
ktmp=$(mktemp -d)
printf 'par_cached\n' > "$ktmp/syms"
rule='[    1.000000] =================================================================='
{
	echo "$rule"; echo '[    1.000001] BUG: KCSAN: data-race in mark_lock / foo'
	echo '[    1.000002]  par_cached+0x91/0xd4'; echo "$rule"
	echo 'ok 1 between the reports'
	echo "$rule"; echo '[    2.000001] BUG: KCSAN: data-race in bad_range / set_nlink'
	echo '[    2.000002]  set_nlink+0x31/0x7a'; echo "$rule"
} > "$ktmp/log"
python3 "$W/kcsan-filter.py" "$ktmp/syms" "$ktmp/outside" < "$ktmp/log" > "$ktmp/out" &&
	[ "$(grep -c 'BUG: KCSAN' "$ktmp/out")" = 1 ] && grep -q 'par_cached+' "$ktmp/out" &&
	grep -q '^ok 1 between' "$ktmp/out" &&
	[ "$(cat "$ktmp/outside")" = "BUG: KCSAN: data-race in bad_range / set_nlink" ]
result "kcsan-strict's filter keeps a KCSAN report of the series, takes out another" $?
rm -rf "$ktmp"
# make breakdown's table: on a made-up profile, a function's share is
# the CPU time of the samples in the timed loop with it in their chain,
# over the loop's; samples outside the loop or under its untimed calls do
# not count; the ns column is the share of the boot's clock median.
btmp=$(mktemp -d)
mkdir -p "$btmp/reserve-1"
echo 'bench: case=reserve cpus=0-1 samples=10 pairs=1000 failed=0 fallback=0 median_ns=64 p99_ns=128 max_ns=256' \
	> "$btmp/reserve-1/raw.log"
frame() { printf '\t%16x %s+0x%x (/x/linux)\n' 1 "$1" "$2"; }
{
	echo 'linux  30000 '; frame xa_load 4; frame page_atomic_reserve_free 9
	frame bench_sample 1; frame bench_irq 1; echo
	echo 'linux  20000 '; frame page_atomic_reserve_free 12; frame bench_sample 1; echo
	echo 'linux  50000 '; frame page_atomic_reserve_page_state 3; frame bench_sample 1; echo
	echo 'linux  70000 '; frame do_idle 2; echo
} | gzip > "$btmp/reserve-1/script.gz"
bout=$(python3 "$W/breakdown-table.py" "$btmp" reserve)
echo "$bout" | grep -Eq '^ +bench_sample +100\.0 +64\.0$' &&
	echo "$bout" | grep -Eq '^ +page_atomic_reserve_free +100\.0 +64\.0$' &&
	echo "$bout" | grep -Eq '^ +xa_load +60\.0 +38\.4$' &&
	echo "$bout" | grep -Eq '^  clock median, ns per pair +64$' &&
	echo "$bout" | grep -Eq '^ +100%  \+0xc after '
result "make breakdown's table sums a function's time in the timed loop only" $?
rm -rf "$btmp"
# checkpatch --strict on every patch again: it costs seconds.
out=$("$W/checkpatch.sh"); echo "$out" | grep -E '^(ok|not ok) '
lines "$out" "checkpatch"

stage "KUnit on UML (SMP, lockdep)"
rm -f "$BUILD/kunit-um/counts"
"$W/kunit.sh" um
counts "$BUILD/kunit-um/counts" "KUnit on um"

# The booted x86_64 kernel under QEMU (TCG unless KVM=1): selftests, sysfs
# tests and trace events.
stage "x86_64 kernel build"
if "$W/build-x86.sh"; then
	stage "booted-kernel selftests (QEMU)"
	rm -f "$BUILD/boot-test.counts"
	"$W/boot.sh" test
	counts "$BUILD/boot-test.counts" "booted-kernel selftests"
	stage "negative control (WARN in the alloc path)"
	"$W/negative-check.sh"
	result "a WARN in the alloc path fails the booted-kernel run" $?
else
	result "x86_64 kernel build" 1
fi

stage "make send-prep (b4), throwaway sender"
# What a sender gets from make send-prep, with a throwaway identity: every
# patch signed off by the original signer and then by the sender, mails
# From the sender with To/Cc, change-id, base-commit, no EDITME, checkpatch
# clean on each mail.
b4_out=$(SENDER="Throwaway Sender <throwaway@example.invalid>" "$W/b4.sh" 2>&1)
b4_rc=$?
echo "$b4_out" | grep -E '^(ok|not ok) b4 '
if [ $b4_rc -ne 0 ]; then
	# Show why: b4.sh stopped or a check failed.
	echo "make send-prep exited $b4_rc; its last lines:"
	echo "$b4_out" | tail -n 40 | sed 's/^/# /'
	# CI keeps only the end of the output: name the reason in the
	# summary too (b4.sh's ERR trap or die line, else its last line).
	why=$(echo "$b4_out" | grep -E '^(b4\.sh: line |\[ *[0-9]+s\] ERROR: )' | tail -n1)
	[ -n "$why" ] || why=$(echo "$b4_out" | tail -n1)
	grep -q '^not ok ' <<<"$b4_out" || b4_out="not ok b4 ran to its checks (exit $b4_rc: ${why:0:200})"
fi
lines "$b4_out" "make send-prep"

stage "htmldocs, base and series"
"$W/htmldocs.sh"; result "htmldocs: the series adds no Sphinx warning" $?

# KUnit on a real architecture as well (x86_64 under QEMU, PREEMPT_RT).
if [ "${SKIP_KUNIT_X86:-0}" != 1 ]; then
	stage "KUnit on x86_64 PREEMPT_RT (QEMU)"
	rm -f "$BUILD/kunit-x86_64/counts"
	"$W/kunit.sh" x86_64
	counts "$BUILD/kunit-x86_64/counts" "KUnit on x86_64"
fi
finish
