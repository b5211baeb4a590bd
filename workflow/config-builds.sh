#!/bin/bash
# Build the series (UML, out of tree) in configurations a reviewer will
# try: the feature compiled out, SYSFS=n and SMP=n. UML also covers NUMA=n.
#   config-builds.sh [off|nosysfs|nosmp ...]     (default: all three)
set -uo pipefail
. "$(dirname "$0")/common.sh"
variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=(off nosysfs nosmp)
base=$BUILD/kunit-um/.config
[ -f "$base" ] || die "run workflow/kunit.sh um first (its config is the base)"
fail=0
for v in "${variants[@]}"; do
	out=$BUILD/cfg-$v
	mkdir -p "$out"
	cp "$base" "$out/.config"
	case $v in
	off)	opts=(-d PAGE_ATOMIC_RESERVE -d PAGE_ATOMIC_RESERVE_KUNIT_TEST) ;;
	nosysfs) opts=(-e EXPERT -d SYSFS) ;;
	nosmp)	opts=(-d SMP) ;;
	*)	die "unknown variant $v" ;;
	esac
	"$KSRC/scripts/config" --file "$out/.config" "${opts[@]}"
	if make -s -C "$KSRC" ARCH=um O="$out" CC="ccache gcc" olddefconfig >/dev/null &&
	   make -s -C "$KSRC" -j"$(nproc)" ARCH=um O="$out" CC="ccache gcc" > "$out/build.log" 2>&1 &&
	   ! grep -q 'warning:' "$out/build.log"; then
		echo "ok build $v ($(grep -c '=y' "$out/.config") options; PAGE_ATOMIC_RESERVE=$(grep -q '^CONFIG_PAGE_ATOMIC_RESERVE=y' "$out/.config" && echo y || echo n))"
	else
		echo "not ok build $v"
		grep -E 'error|warning' "$out/build.log" | sed -n 1,20p
		fail=1
	fi
done
exit $fail
