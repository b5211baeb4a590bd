#!/bin/bash
# Run the series' KUnit suite on UML (SMP, 2 CPUs, lockdep, atomic-sleep
# checks) in $KSRC.  Prints the kunit.py summary, fails on any lockdep or
# sleep-in-atomic splat, and writes "<passed> <failed> <skipped>" to
# $BUILD/kunit-ARCH/counts, and a line per failed case to
# $BUILD/kunit-ARCH/failures.
#   kunit.sh [ARCH]           build and run (ARCH: um, the default, or x86_64)
#   kunit.sh ARCH config      only write $BUILD/kunit-ARCH/.config (gates.sh
#                             builds every patch in that directory)
set -uo pipefail
. "$(dirname "$0")/common.sh"
ARCH_NAME=${1:-um}
OUT=$BUILD/kunit-$ARCH_NAME
mkdir -p "$OUT"
cfg=(--kunitconfig=mm/tests/.kunitconfig --build_dir="$OUT" --make_options="CC=ccache gcc"
      --kconfig_add CONFIG_DEBUG_KERNEL=y --kconfig_add CONFIG_PROVE_LOCKING=y
      --kconfig_add CONFIG_DEBUG_ATOMIC_SLEEP=y --kconfig_add CONFIG_DEBUG_VM=y)
cfg+=(--kconfig_add CONFIG_SMP=y --kconfig_add CONFIG_NR_CPUS=2)
if [ "$ARCH_NAME" != um ]; then
	# x86_64 runs the suite on PREEMPT_RT (UML cannot): spinlock_t sleeps
	# there, and lockdep checks every path for it.
	# MEMORY_FAILURE (UML has none) for the hwpoison case. Generic KASAN,
	# debug_pagealloc and page_owner (both on at boot below), so that the
	# page allocator's debugging hooks run on every page the reserve holds.
	cfg+=(--arch="$ARCH_NAME" --kconfig_add CONFIG_EXPERT=y --kconfig_add CONFIG_PREEMPT_RT=y
	      --kconfig_add CONFIG_MEMORY_FAILURE=y
	      --kconfig_add CONFIG_KASAN=y --kconfig_add CONFIG_KASAN_GENERIC=y
	      --kconfig_add CONFIG_DEBUG_PAGEALLOC=y --kconfig_add CONFIG_PAGE_OWNER=y)
fi
if [ "${2:-}" = config ]; then
	cd "$KSRC" && python3 tools/testing/kunit/kunit.py config "${cfg[@]}" >/dev/null
	exit
fi
args=(run "${cfg[@]}" --jobs="$(nproc)" --timeout=900)
if [ "$ARCH_NAME" = um ]; then
	args+=(--kernel_args seccomp=on --kernel_args ncpus=2)
else
	# ZONE_MOVABLE memory, which the reserve's GFP_KERNEL refill cannot use.
	args+=("--qemu_args=-smp 2" --kernel_args movablecore=256M
	       --kernel_args debug_pagealloc=on --kernel_args page_owner=on)
	# kunit.py asks QEMU for KVM first; KVM guests hang on these machines,
	# so a wrapper drops it unless KVM=1.
	wrap=$BUILD/qemu-wrap
	mkdir -p "$wrap"
	cat > "$wrap/qemu-system-$ARCH_NAME" <<WRAP
#!/bin/bash
args=()
while [ \$# -gt 0 ]; do
	if [ "\$1" = -accel ] && [ "\$2" != tcg ] && [ "\${KVM:-0}" != 1 ]; then
		shift 2
		continue
	fi
	args+=("\$1")
	shift
done
exec /usr/bin/qemu-system-$ARCH_NAME "\${args[@]}"
WRAP
	chmod +x "$wrap/qemu-system-$ARCH_NAME"
	export PATH=$wrap:$PATH
fi
log "kunit.py ($ARCH_NAME): building and running in $OUT"
cd "$KSRC"
python3 tools/testing/kunit/kunit.py "${args[@]}" --raw_output=all > "$OUT/raw.log" 2>&1
rc=$?
python3 tools/testing/kunit/kunit.py parse "$OUT/raw.log" > "$OUT/parsed.log" 2>&1
tail -n 40 "$OUT/parsed.log"
# Counts from the TAP lines of the suite's own cases.
passed=$(grep -E '^ +ok [0-9]+ par_test_' "$OUT/raw.log" | grep -vc '# SKIP' || true)
skipped=$(grep -E '^ +ok [0-9]+ par_test_' "$OUT/raw.log" | grep -c '# SKIP' || true)
failed=$(grep -cE '^ +not ok [0-9]+ par_test_' "$OUT/raw.log" || true)
# A kernel report (workflow/reports.re, boot.sh's list).
splat=$(grep -nEf "$TOP/workflow/reports.re" "$OUT/raw.log" |
	grep -v 'lockdep is turned off\|Lock dependency validator' || true)
# Each failed case with its first failed expectation, for test.sh's summary.
awk 'function flush() { if (cur != "") msg[cur] = m; cur = "" }
	/^ +# par_test_[a-z0-9_]+: (EXPECTATION|ASSERTION) FAILED/ {
		flush(); if (!($2 in msg)) { cur = $2; m = $0; sub(/^ +# [a-z0-9_]+: /, "", m); k = 0 }
		next }
	/^ +(not )?ok [0-9]+ par_test_/ { flush() }
	cur != "" && k < 3 { k++; l = $0; sub(/^ +/, "", l); m = m " / " l; next }
	/^ +not ok [0-9]+ par_test_/ { n = $4 ":"; print $4 ": " (n in msg ? msg[n] : "failed") }' \
	"$OUT/raw.log" | sed 's/  */ /g' > "$OUT/failures"
if [ -n "$splat" ]; then
	log "kernel splat in the console:"
	echo "$splat" | sed -n 1,20p
	echo "splat: $(echo "$splat" | sed -n 1p)" >> "$OUT/failures"
	failed=$((failed + 1))
fi
if [ $((passed + failed)) -eq 0 ]; then
	log "no test case ran (kunit.py exit $rc); see $OUT/raw.log"
	tail -n 30 "$OUT/raw.log"
	failed=1
fi
echo "$passed $failed $skipped" > "$OUT/counts"
log "kunit $ARCH_NAME: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
