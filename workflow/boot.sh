#!/bin/bash
# Boot the x86_64 kernel of build/x86_64 under QEMU with an initramfs made
# of Debian's busybox-static, the series' selftests (static), the test
# module and workflow/guest/init.
#   boot.sh test   run the selftests; writes "<passed> <failed> <skipped>"
#                  to build/boot-test.counts
#   boot.sh demo   the main job's demonstration
#   boot.sh pressure   the memory-pressure experiment (make evidence)
# TCG by default: KVM guests hang on these machines. KVM=1 opts in.
set -uo pipefail
. "$(dirname "$0")/common.sh"
mode=${1:-test}
OUT=$BUILD/x86_64
ROOT=$BUILD/initramfs-root
LOG=$BUILD/boot-$mode${BOOT_TAG:-}.log
TIMEOUT=${BOOT_TIMEOUT:-900}
rel=$(cat "$OUT/include/config/kernel.release")
[ -f "$OUT/arch/x86/boot/bzImage" ] || die "no kernel: run workflow/build-x86.sh"

log "initramfs: busybox, par-insmod, fuzz-sysfs, selftests, modules of $rel"
rm -rf "$ROOT"
mkdir -p "$ROOT"/{bin,proc,sys,dev,tmp,etc,selftests,lib/modules}
cp /bin/busybox "$ROOT/bin/busybox"
cp "$TOP/workflow/guest/init" "$ROOT/init"
chmod +x "$ROOT/init"
printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' > "$ROOT/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$ROOT/etc/group"
ST=$KSRC/tools/testing/selftests
gcc -static -O2 -Wall -I "$ST" -o "$ROOT/selftests/page_atomic_reserve" \
	"$ST/mm/page_atomic_reserve.c" || die "selftest build failed"
cp "$ST/mm/page_atomic_reserve_sysfs.sh" "$ST/mm/page_atomic_reserve_bench.sh" \
	"$ST/mm/page_atomic_reserve_storm.sh" "$ROOT/selftests/"
gcc -static -O2 -Wall -o "$ROOT/hog" "$TOP/workflow/guest/hog.c" || die "hog build failed"
gcc -static -O2 -Wall -o "$ROOT/bin/par-insmod" "$TOP/workflow/guest/insmod.c" ||
	die "insmod build failed"
gcc -static -O2 -Wall -o "$ROOT/fuzz-sysfs" "$TOP/workflow/guest/fuzz-sysfs.c" ||
	die "fuzz-sysfs build failed"
# The pressure experiment's memory eater, an out-of-tree module.
EAT=$BUILD/eat-mod
mkdir -p "$EAT"
cp "$TOP/workflow/guest/eat.c" "$EAT/eat.c"
echo 'obj-m := eat.o' > "$EAT/Kbuild"
make -s -C "$KSRC" O="$OUT" M="$EAT" CC="ccache gcc" modules > "$EAT/build.log" 2>&1 ||
	{ cat "$EAT/build.log"; die "eat.ko build failed"; }
cp "$EAT/eat.ko" "$ROOT/eat.ko"
cp -a "$OUT/modroot/lib/modules/$rel" "$ROOT/lib/modules/"
(cd "$ROOT" && find . | cpio -o -H newc --quiet | gzip -1) > "$BUILD/initramfs.cpio.gz"

# The first user's device: a disk whose DMA the emulated IOMMU
# translates. Sparse, and read once per boot, so every read is DMA.
DISK=$BUILD/iommu-disk.img
[ -f "$DISK" ] || truncate -s 256M "$DISK"

accel=tcg
[ "${KVM:-0}" = 1 ] && accel=kvm
echo "$accel" > "$BUILD/boot-$mode${BOOT_TAG:-}.accel"
# The booted test's remote take: node 2 nearer to node 0 than node 1 is, so
# that the nearest node and the lowest id differ. The other modes keep
# QEMU's default (no SLIT: 20 between any two nodes), as their recorded
# runs had it.
# The booted test also boots with a malformed atomic_reserve=, which the
# kernel must ignore whole (node 0's 64 included) with a warning.
dist=() args=
[ "$mode" = test ] && dist=(-numa dist,src=0,dst=1,val=40 -numa dist,src=0,dst=2,val=20
	-numa dist,src=1,dst=2,val=20) args="atomic_reserve=0:64,1:12x"
log "booting under QEMU ($accel), 2 vCPUs, 2 NUMA nodes and a DIMM of a third, intel-iommu, console in $LOG"
timeout --foreground -k 10 "$TIMEOUT" qemu-system-x86_64 \
	-machine q35 -device intel-iommu,intremap=off \
	-drive file="$DISK",if=none,id=d0,format=raw,readonly=on \
	-device virtio-blk-pci,drive=d0,iommu_platform=on,disable-legacy=on \
	-accel "$accel" -cpu max -smp 2,sockets=2,cores=1,threads=1 -m 1G,slots=2,maxmem=2G \
	-object memory-backend-ram,size=512M,id=m0 \
	-object memory-backend-ram,size=512M,id=m1 \
	-object memory-backend-ram,size=256M,id=m2 \
	-numa node,nodeid=0,cpus=0,memdev=m0 \
	-numa node,nodeid=1,cpus=1,memdev=m1 \
	-numa node,nodeid=2 -device pc-dimm,id=dimm2,memdev=m2,node=2 "${dist[@]}" \
	-kernel "$OUT/arch/x86/boot/bzImage" -initrd "$BUILD/initramfs.cpio.gz" \
	-append "console=ttyS0 panic=-1 oops=panic intel_iommu=on par_mode=$mode $args ${BOOT_ARGS:-}" \
	-nographic -no-reboot -monitor none -serial stdio < /dev/null > "$LOG" 2>&1
qrc=$?
tr -d '\r' < "$LOG" > "$LOG.txt" && mv "$LOG.txt" "$LOG"
[ $qrc -eq 124 ] && log "QEMU timed out after ${TIMEOUT}s"

body=$(sed -n '/^PAR-BEGIN/,/^PAR-END/p' "$LOG")
# A kernel report (workflow/reports.re, shared with kunit.sh and
# rt-table.py; KASAN and KCSAN reports start with "BUG:"), or a call trace.
splat_re="$(cat "$TOP/workflow/reports.re")|Call Trace"
# The OOM section of the test run: the OOM killer's report has a call
# trace (any other report there still counts).
# make hardening's kcsan-strict kernel: the KCSAN reports that name no
# function of the series (BOOT_KCSAN_SYMS lists them) are taken out of the
# console before the count, and their titles listed in boot-MODE.outside.
console=$LOG
if [ -n "${BOOT_KCSAN_SYMS:-}" ]; then
	console=$LOG.series
	python3 "$TOP/workflow/kcsan-filter.py" "$BOOT_KCSAN_SYMS" \
		"$BUILD/boot-$mode${BOOT_TAG:-}.outside" < "$LOG" > "$console" ||
		die "kcsan-filter.py could not read $LOG"
fi
splat=$(sed '/PAR-OOM-BEGIN/,/PAR-OOM-END/{/Call Trace/d}' "$console" | grep -nE "$splat_re" || true)
ended=0
grep -q '^PAR-END' "$LOG" && ended=1
if [ "$mode" = rt ]; then
	# The PREEMPT_RT run ends with stock alloc_page() from a hard hrtimer,
	# which is expected to draw a report: only one before it is a failure
	# (report.sh reads the one after it).
	splat=$(sed '/^PAR-RT-STOCK-BEGIN/q' "$LOG" | grep -nE "$splat_re" || true)
fi

if [ "$mode" = demo ] || [ "$mode" = pressure ] || [ "$mode" = rt ]; then
	# The OOM killer may take the demo's memory hog; its report has a call
	# trace but is not a kernel bug.
	splat=$(echo "$splat" | grep -v 'Call Trace' || true)
	echo "$body" | grep -v '^PAR-' | grep -v '^#' | grep -v '^\[ *[0-9]*\.[0-9]*\]'
	[ $ended = 1 ] && [ -z "$splat" ] && [ $qrc -ne 124 ] || {
		echo "$splat" | sed -n 1,20p
		die "the $mode run did not finish cleanly; see $LOG"
	}
	exit 0
fi

passed=$(echo "$body" | grep -E '^ok [0-9]' | grep -vc '# SKIP' || true)
skipped=$(echo "$body" | grep -E '^ok [0-9]' | grep -c '# SKIP' || true)
failed=$(echo "$body" | grep -cE '^not ok [0-9]' || true)
echo "$body" | grep -E '^(ok|not ok) [0-9]|^PAR-SECTION|^# ' | sed 's/^PAR-SECTION/==/'
if [ -n "$splat" ]; then
	log "kernel splat in the console:"
	echo "$splat" | sed -n 1,20p
	failed=$((failed + 1))
fi
if [ $ended = 0 ]; then
	log "the guest did not finish (QEMU exit $qrc); see $LOG"
	tail -n 20 "$LOG"
	failed=$((failed + 1))
fi
{
	echo "$body" | grep -E '^not ok [0-9]' || true
	[ -z "$splat" ] || echo "splat: $(echo "$splat" | sed -n 1p)"
	[ $ended = 1 ] || echo "the guest did not finish (QEMU exit $qrc)"
} > "$BUILD/boot-$mode${BOOT_TAG:-}.failures"
# Every report line of the console, for make hardening's table.
printf '%s' "$splat${splat:+$'\n'}" > "$BUILD/boot-$mode${BOOT_TAG:-}.reports"
echo "$passed $failed $skipped" > "$BUILD/boot-$mode${BOOT_TAG:-}.counts"
log "booted kernel: $passed passed, $failed failed, $skipped skipped ($accel)"
[ "$failed" -eq 0 ]
