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
# Regenerate the config only when the fragment changed.
if ! cmp -s "$frag" "$OUT/.fragment" 2>/dev/null || [ ! -f "$OUT/.config" ]; then
	log "configuring (tinyconfig + $(basename "$frag"))"
	mk tinyconfig >/dev/null
	KCONFIG_CONFIG="$OUT/.config" scripts/kconfig/merge_config.sh -m -O "$OUT" \
		"$OUT/.config" "$frag" >/dev/null
	mk olddefconfig >/dev/null
	missing=0
	while IFS= read -r l; do
		case $l in CONFIG_*=*) ;; *) continue ;; esac
		if ! grep -qx "$l" "$OUT/.config"; then
			log "config: $l did not stick"
			missing=1
		fi
	done < "$frag"
	[ $missing -eq 0 ] || die "config fragment not fully applied"
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
