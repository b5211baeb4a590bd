#!/bin/bash
# make hardening: the booted test (selftests, the sysfs fuzz, the storm
# with every control turning and CPU 1 going, memory hotplug under the
# storm, the OOM killer with every reserve full) and, at boot before it,
# the series' KUnit suite, in the debug kernels mm reviewers run, each
# built from the boot kernel's configuration (build-x86-on.sh, in
# build/hardening-NAME) and booted under QEMU (TCG; KVM=1 opts in):
#   kasan    generic KASAN, debug_pagealloc=on, page_owner=on, kmemleak
#            (scanned at the end), PROVE_LOCKING, DEBUG_VM
#   kcsan    KCSAN with the interrupt watcher, PROVE_LOCKING
#   kcsan-strict  the same in KCSAN's strict mode (plain writes are not
#            taken as atomic, races reported whether the value changed)
#   init-on  init_on_alloc=1 init_on_free=1
#   rt       PREEMPT_RT, PROVE_LOCKING
# Any report in a console fails its kernel (boot.sh). The storms run
# HARDENING_STORM_SECONDS (default 60) each, the fuzz HARDENING_FUZZ_WRITES
# (default 10000) writes. Then hardening-table.py writes README's
# Reliability table from the consoles. Not in CI (the kasan kernel's boot
# alone took 883 s under TCG on 2 cores; each kernel is a build of its
# own); CI's booted test runs the same storm for 10 s and the fuzz at
# 10000 writes in the boot kernel.
#   hardening.sh [NAME ...]      (default: all; the table lists all
#                                 kernels that have a console)
set -uo pipefail
. "$(dirname "$0")/common.sh"
W=$TOP/workflow
h_t0=$(date +%s)
"$W/deps.sh" || die "could not install the packages"
"$W/apply.sh" >/dev/null || die "the series does not apply"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(kasan kcsan kcsan-strict init-on rt)
common=$W/x86_64-hardening.config
fail=0 n_ok=0 n_fail=0
for t in "${targets[@]}"; do
	case $t in
	kasan)	frags=("$common" "$W/x86_64-kasan.config") args="debug_pagealloc=on page_owner=on" ;;
	kcsan)	frags=("$common" "$W/x86_64-kcsan.config") args="" ;;
	kcsan-strict)
		frags=("$common" "$W/x86_64-kcsan.config" "$W/x86_64-kcsan-strict.config") args="" ;;
	init-on) frags=("$common") args="init_on_alloc=1 init_on_free=1" ;;
	rt)	frags=("$W/x86_64-rt.config" "$common") args="" ;;
	*)	die "unknown hardening kernel $t" ;;
	esac
	V=$BUILD/hardening-$t
	log "== hardening $t: build"
	b0=$(date +%s)
	if ! "$W/build-x86-on.sh" "hardening-$t" "${frags[@]}"; then
		echo "not ok hardening $t: build"; n_fail=$((n_fail + 1)) fail=1
		continue
	fi
	b1=$(date +%s)
	# kcsan-strict fails on a KCSAN report with a function of the series
	# in it; the others are counted (boot.sh, kcsan-filter.py): strict
	# mode reports races the rest of the kernel has by design.
	syms=""
	if [ "$t" = kcsan-strict ]; then
		syms=$V/series.syms
		python3 "$W/kcsan-filter.py" --syms "$KSRC" "$V/x86_64" > "$syms" ||
			die "could not list the series' functions"
		[ -s "$syms" ] || die "no function of the series in the kcsan-strict build"
	fi
	log "== hardening $t: boot ($args)"
	# Parameters with "=" that the kernel does not know reach init's
	# environment.
	env_args="PAR_STORM_SECONDS=${HARDENING_STORM_SECONDS:-60} PAR_FUZZ_WRITES=${HARDENING_FUZZ_WRITES:-10000}"
	BUILD=$V BOOT_TIMEOUT=${HARDENING_BOOT_TIMEOUT:-3600} BOOT_ARGS="$args $env_args" \
		BOOT_KCSAN_SYMS=$syms "$W/boot.sh" test > "$V/boot.txt"
	rc=$?
	b2=$(date +%s)
	# The KUnit suite ran at boot and passed: its totals in the kernel log.
	python3 "$W/hardening-table.py" --kunit "$V" || rc=1
	printf 'kernel=%s\nargs=%s\nbuild_s=%s\nboot_s=%s\nrc=%s\n' "$t" "$args" \
		$((b1 - b0)) $((b2 - b1)) $rc > "$V/hardening.meta"
	if [ $rc -eq 0 ]; then echo "ok hardening $t"; n_ok=$((n_ok + 1))
	else
		sed 's/^/#   /' "$V/boot-test.failures" 2>/dev/null
		echo "not ok hardening $t"; n_fail=$((n_fail + 1)) fail=1
	fi
done
python3 "$W/hardening-table.py" --keep "$TOP/README.md" "$BUILD"/hardening-*/ \
	> "$BUILD/hardening-table.md" &&
	python3 "$W/put-table.py" "$TOP/README.md" reliability "$BUILD/hardening-table.md" --raw ||
	{ log "no table written"; fail=1; }
log "hardening: ${#targets[@]} kernels in $(( $(date +%s) - h_t0 )) s on $(nproc) CPUs"
echo "$n_ok passed, $n_fail failed"
exit $fail
