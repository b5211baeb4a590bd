#!/bin/bash
# Build the x86_64 boot kernel as PREEMPT_RT, for the hardirq run of make
# evidence: build-x86.sh with build/rt as its build folder (so
# build/rt/x86_64, and boot.sh with BUILD=build/rt boots it), sharing
# build/linux and the compiler cache, and with workflow/x86_64-rt.config
# set on top of its configuration.
set -euo pipefail
. "$(dirname "$0")/common.sh"
RT=$BUILD/rt
mkdir -p "$RT"
ln -sfn ../linux "$RT/linux"
ln -sfn ../ccache "$RT/ccache"
BUILD=$RT "$TOP/workflow/build-x86.sh" config
cfg=$RT/x86_64/.config
# Only what is missing: a rewritten .config would cost a resync.
set_lines() { grep -x 'CONFIG_[A-Z0-9_]*=.*' "$TOP/workflow/x86_64-rt.config" | grep -vxFf "$cfg" || true; }
missing=$(set_lines)
if [ -n "$missing" ]; then
	log "setting $(echo "$missing" | paste -sd' ') in $cfg"
	for l in $missing; do
		o=${l%%=*}
		"$KSRC/scripts/config" --file "$cfg" --set-val "${o#CONFIG_}" "${l#*=}"
	done
fi
BUILD=$RT "$TOP/workflow/build-x86.sh"
lost=$(set_lines)
[ -z "$lost" ] || die "not in the PREEMPT_RT configuration: $(echo "$lost" | paste -sd' ')"
