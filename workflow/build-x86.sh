#!/bin/bash
# Build an x86_64 bzImage (and modules) of build/linux out of tree in
# build/x86_64, from "make tinyconfig" plus workflow/x86_64.config.
# Incremental: reruns only rebuild what changed.
#   build-x86.sh          configure if needed, build, install the modules
#   build-x86.sh config   only configure (gates.sh builds every patch there)
set -euo pipefail
. "$(dirname "$0")/common.sh"
OUT=$BUILD/x86_64
mkdir -p "$OUT"
frag=$TOP/workflow/x86_64.config
cd "$KSRC"
mk() { make -s -j"$(nproc)" O="$OUT" ARCH=x86_64 CC="ccache gcc" "$@"; }
# Every line of the fragment, missing from $OUT/.config.
missing_lines() {
	local l
	while IFS= read -r l; do
		case $l in CONFIG_*=*) grep -qx "$l" "$OUT/.config" 2>/dev/null || echo "$l" ;; esac
	done < "$frag"
}
# Regenerate the config when the fragment changed or the config lost one
# of its lines (gates.sh builds earlier patches in this directory, whose
# olddefconfig drops the options that later patches add).
if ! cmp -s "$frag" "$OUT/.fragment" 2>/dev/null || [ ! -f "$OUT/.config" ] ||
   [ -n "$(missing_lines)" ]; then
	log "configuring (tinyconfig + $(basename "$frag"))"
	mk tinyconfig >/dev/null
	KCONFIG_CONFIG="$OUT/.config" scripts/kconfig/merge_config.sh -m -O "$OUT" \
		"$OUT/.config" "$frag" >/dev/null
	mk olddefconfig >/dev/null
	lost=$(missing_lines)
	[ -z "$lost" ] || die "config fragment not fully applied: $(echo "$lost" | paste -sd' ')"
	cp "$frag" "$OUT/.fragment"
fi
mk olddefconfig >/dev/null
[ "${1:-}" != config ] || exit 0
log "building bzImage and modules in $OUT"
start=$(date +%s)
# The ticker kills its own sleep when stopped, so that no orphaned sleep
# keeps a pipe on stderr open after the build.
(
	trap 'kill $s 2>/dev/null; exit 0' TERM
	while :; do
		sleep 60 & s=$!
		wait $s
		log "still building ($(( $(date +%s) - start ))s)"
	done
) &
ticker=$!
trap 'kill $ticker 2>/dev/null; wait $ticker 2>/dev/null || true' EXIT
mk bzImage modules > "$OUT/build.log" 2>&1 || { tail -n 40 "$OUT/build.log"; die "build failed"; }
rm -rf "$OUT/modroot"
mk INSTALL_MOD_PATH="$OUT/modroot" modules_install > /dev/null
log "built $(make -s O="$OUT" kernelrelease 2>/dev/null) in $(( $(date +%s) - start ))s"
