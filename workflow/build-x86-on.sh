#!/bin/bash
# Build a variant of the x86_64 boot kernel: build-x86.sh with build/NAME
# as its build folder (so build/NAME/x86_64, which boot.sh boots with
# BUILD=build/NAME), sharing build/linux and the compiler cache, and with
# the lines of the given fragments set on top of its configuration.
#   build-x86-on.sh NAME FRAGMENT...
# make evidence builds the PREEMPT_RT kernel (rt workflow/x86_64-rt.config),
# make hardening its debug kernels.
set -euo pipefail
. "$(dirname "$0")/common.sh"
[ $# -ge 2 ] || die "usage: build-x86-on.sh NAME FRAGMENT..."
V=$BUILD/$1
shift
# build/ccache may not exist yet on a fresh machine, and ccache does not
# create its directory through a dangling link.
mkdir -p "$V" "$BUILD/ccache"
ln -sfn ../linux "$V/linux"
ln -sfn ../ccache "$V/ccache"
BUILD=$V "$TOP/workflow/build-x86.sh" config
cfg=$V/x86_64/.config
# Only what is missing: a rewritten .config would cost a resync. "# ...
# is not set" lines unset an option.
set_lines() {
	cat "$@" | grep -xE 'CONFIG_[A-Z0-9_]*=.*|# CONFIG_[A-Z0-9_]* is not set' |
		sed -E 's/^# (CONFIG_[A-Z0-9_]*) is not set$/\1=n/' |
		while IFS= read -r l; do
			case $l in
			*=n) ! grep -qx "${l%=n}=y" "$cfg" || echo "$l" ;;
			*) grep -qxF "$l" "$cfg" || echo "$l" ;;
			esac
		done
}
missing=$(set_lines "$@")
if [ -n "$missing" ]; then
	log "setting $(echo "$missing" | paste -sd' ') in $cfg"
	for l in $missing; do
		o=${l%%=*} o=${o#CONFIG_}
		case $l in
		*=n) "$KSRC/scripts/config" --file "$cfg" --disable "$o" ;;
		*) "$KSRC/scripts/config" --file "$cfg" --set-val "$o" "${l#*=}" ;;
		esac
	done
fi
BUILD=$V "$TOP/workflow/build-x86.sh"
lost=$(set_lines "$@")
[ -z "$lost" ] || die "not in the $(basename "$V") configuration: $(echo "$lost" | paste -sd' ')"
