#!/bin/bash
# The architectures and configurations the kernel test robot tries on a
# new mm series in its first day, on the whole series (the last patch;
# make gates covers every patch on UML and x86_64):
#   arm64         allnoconfig + NUMA, MEMCG, the IOMMU user (SMMUv3) and
#                 the feature (gcc-aarch64-linux-gnu)
#   i386-highmem  allnoconfig + SMP, HIGHMEM4G, MEMCG, the IOMMU user and the
#                 feature (kmap_local_page() maps for real only here)
#   riscv64       allnoconfig + SMP, NUMA and the feature
#                 (gcc-riscv64-linux-gnu): a third 64-bit architecture,
#                 for what x86 and arm64 share by accident
#   clang         the booted test's x86_64 config (tinyconfig +
#                 workflow/x86_64.config: NUMA, the IOMMU user, KUnit),
#                 LLVM=-19 (Debian's clang-19; v7.3 needs LLVM 17.0.1)
#   allnoconfig   x86_64 allnoconfig + the feature
#   rand-SEED     x86_64 randconfig with KCONFIG_SEED=SEED and the feature
#                 forced on (KCONFIG_ALLCONFIG); MATRIX_SEEDS picks the
#                 seeds, default three fresh ones, printed for a replay;
#                 MATRIX_PROB is KCONFIG_PROBABILITY (default 10: one option
#                 in ten is drawn y, so that a build takes minutes, not hours)
# Each build makes vmlinux (the whole built-in tree: the series' hooks in
# mm/page_alloc.c, mm/slub.c, lib/radix-tree.c and the IOMMU's pages code
# are built in) and the series' own module, then rebuilds the files the
# series adds with W=1. A build fails on an error, on a warning in a
# defconfig-based build, and in a randconfig on a warning that names a file
# the series touches (a random configuration warns in drivers the series
# never sees; those are counted, not failed). The arm64 and i386 builds
# start from allnoconfig, not defconfig: every file and hook of the series
# is built in either way, while the defconfigs' thousands of driver
# objects, which the series does not touch, took 2688 s (arm64) and
# 2573 s (i386) on 2 cores, most of a matrix of about two hours; the
# randconfigs keep the breadth.
# Too slow for CI: "make matrix" runs it before export and writes
# workflow/records/matrix.record, which make test checks.
#   matrix.sh [NAME ...]       (default: all; rand-SEED names one seed)
set -uo pipefail
. "$(dirname "$0")/common.sh"
W=$TOP/workflow
record_begin matrix
m_t0=$(date +%s)
prob=${MATRIX_PROB:-10}
"$W/deps.sh" gcc-aarch64-linux-gnu gcc-riscv64-linux-gnu clang-19 lld-19 llvm-19 ||
	die "could not install the cross compilers"
"$W/apply.sh" >/dev/null || die "the series does not apply"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
	seeds=${MATRIX_SEEDS:-"$(od -An -N12 -tu4 /dev/urandom)"}
	targets=(arm64 i386-highmem riscv64 clang allnoconfig)
	for s in $seeds; do targets+=("rand-$s"); done
fi
# The files the series touches (a warning there fails every build) and
# the C files it adds (rebuilt with W=1).
series_files=$(sed -n 's|^+++ b/||p' "$PATCHES"/00*.patch | sort -u)
series_new=$(awk '/^diff --git/ { f = substr($4, 3) } /^new file mode/ { print f }' \
	"$PATCHES"/00*.patch | grep -E '^(mm|lib|drivers)/.*\.c$' | sort -u)
# The options of the feature. KUnit is built in (the test depends on
# KUNIT=y); the test module is a module.
feature=(-e PAGE_ATOMIC_RESERVE -e KUNIT -e PAGE_ATOMIC_RESERVE_KUNIT_TEST
	-e RUNTIME_TESTING_MENU -m TEST_PAGE_ATOMIC_RESERVE -e SYSFS)
fail=0 n_ok=0 n_fail=0
result() { # rc text
	if [ "$1" -eq 0 ]; then echo "ok $2"; n_ok=$((n_ok + 1))
	else echo "not ok $2"; n_fail=$((n_fail + 1)); fail=1; fi
}
# warnings LOG: the compiler and linker warnings in LOG, one per line.
warnings() { grep -Ei '(warning|error):' "$1" | sort -u; }
# in_series: the lines of stdin that name a file of the series.
in_series() { grep -F -f <(printf '%s:\n' $series_files) || true; }
one() { # name
	local name=$1 arch=x86_64 cross="" base=defconfig extra=() mk=() out seed="" t0 log rc w ws
	local mod=lib/test_page_atomic_reserve.ko
	case $name in
	arm64)	arch=arm64 cross=aarch64-linux-gnu- base=allnoconfig
		extra=(-e NUMA -e CGROUPS -e MEMCG -e IOMMU_SUPPORT -e ARM_SMMU_V3) ;;
	i386-highmem) arch=i386 base=allnoconfig
		extra=(-e SMP -d NOHIGHMEM -e HIGHMEM4G -d HIGHMEM64G -e CGROUPS -e MEMCG
		       -e IOMMU_SUPPORT) ;;
	riscv64) arch=riscv cross=riscv64-linux-gnu- base=allnoconfig extra=(-e MMU -e SMP -e NUMA) ;;
	clang)	mk=(LLVM=-19) base=tinyconfig ;;
	allnoconfig) base=allnoconfig extra=(-e MMU -e 64BIT) ;;
	rand-*)	seed=${name#rand-} base=randconfig ;;
	*)	die "unknown matrix build $name" ;;
	esac
	out=$BUILD/matrix-$name log=$BUILD/matrix-$name.log
	[ "$name" = "${name#rand-}" ] || out=$BUILD/matrix-rand
	mkdir -p "$out"
	t0=$(date +%s)
	local cc=(CC="ccache ${cross}gcc")
	[ ${#mk[@]} -eq 0 ] || cc=(CC="ccache clang-19")
	m() { make -s -C "$KSRC" ARCH=$arch ${cross:+CROSS_COMPILE=$cross} O="$out" "${mk[@]}" "${cc[@]}" "$@"; }
	rm -f "$out/.config"
	if [ -n "$seed" ]; then
		# randconfig keeps what KCONFIG_ALLCONFIG says and draws the rest;
		# a 64-bit kernel with sysfs and KUnit, so that every part of the
		# series can be in.
		printf 'CONFIG_%s\n' 64BIT=y MMU=y SYSFS=y KUNIT=y PAGE_ATOMIC_RESERVE=y \
			PAGE_ATOMIC_RESERVE_KUNIT_TEST=y MODULES=y RUNTIME_TESTING_MENU=y TEST_PAGE_ATOMIC_RESERVE=m \
			WERROR=n > "$out/allconfig"
		KCONFIG_SEED=$seed KCONFIG_PROBABILITY=$prob KCONFIG_ALLCONFIG=$out/allconfig \
			m randconfig > "$log" 2>&1
	else
		m "$base" > "$log" 2>&1
	fi
	[ "$name" != clang ] || KCONFIG_CONFIG=$out/.config "$KSRC/scripts/kconfig/merge_config.sh" \
		-m -O "$out" "$out/.config" "$W/x86_64.config" > /dev/null
	"$KSRC/scripts/config" --file "$out/.config" "${feature[@]}" "${extra[@]}" -e MODULES
	m olddefconfig >> "$log" 2>&1
	local missing=""
	for o in PAGE_ATOMIC_RESERVE=y PAGE_ATOMIC_RESERVE_KUNIT_TEST=y TEST_PAGE_ATOMIC_RESERVE=m; do
		grep -qx "CONFIG_$o" "$out/.config" || missing+=" $o"
	done
	[ -z "$missing" ] || { result 1 "matrix $name: config lacks$missing"; return; }
	[ "$arch" != i386 ] || grep -qx CONFIG_HIGHMEM=y "$out/.config" ||
		{ result 1 "matrix $name: no HIGHMEM"; return; }
	# The whole built-in tree, the series' module, then the files the
	# series adds again with W=1 (kbuild rebuilds an object when its
	# command line changes).
	m -j"$(nproc)" vmlinux >> "$log" 2>&1 &&
		m "$mod" >> "$log" 2>&1 &&
		m -j"$(nproc)" W=1 ${series_new//.c/.o} >> "$log" 2>&1
	rc=$?
	# Built-in objects of the series must be there: a file the
	# configuration left out was not checked.
	for o in mm/page_atomic_reserve.o mm/tests/page_atomic_reserve_kunit.o "$mod"; do
		[ -f "$out/$o" ] || { echo "missing $o" >> "$log"; rc=1; }
	done
	w=$(warnings "$log")
	ws=$(in_series <<<"$w")
	if [ -n "$ws" ] || { [ -z "$seed" ] && [ -n "$w" ]; }; then rc=1; fi
	printf '# %s: %s %s, %s options =y, %d s, %d warnings (%d in the series)%s\n' \
		"$name" "$arch" "$base" "$(grep -c '=y$' "$out/.config")" "$(( $(date +%s) - t0 ))" \
		"$(grep -c . <<<"$w" || true)" "$(grep -c . <<<"$ws" || true)" \
		"$([ -z "$seed" ] || echo ", replay: KCONFIG_SEED=$seed KCONFIG_PROBABILITY=$prob")"
	[ -z "$w" ] || sed -n 1,20p <<<"$w" | sed 's/^/#   /'
	[ $rc -eq 0 ] || tail -n 15 "$log" | sed 's/^/#   /'
	result $rc "matrix $name"
}
for t in "${targets[@]}"; do
	log "== matrix $t"
	one "$t"
done
echo "# matrix: ${#targets[@]} builds in $(( $(date +%s) - m_t0 )) s on $(nproc) CPUs"
echo "$n_ok passed, $n_fail failed"
if [ -z "${MATRIX_NO_RECORD:-}" ] && [ $# -eq 0 ]; then
	record_end matrix $fail
fi
exit $fail
