# shellcheck shell=bash
# Shared settings for the workflow scripts.
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
DL=$BUILD/downloads
KSRC=$BUILD/linux
BASE_STAMP=$BUILD/base.stamp
PATCHES=$TOP/patches
SERIES_BRANCH=aqr
T0=${T0:-$(date +%s)}
export T0
log() { printf '[%4ss] %s\n' "$(( $(date +%s) - T0 ))" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
# checkpatch.pl runs scripts/spdxcheck.py with "python3" from PATH; use
# Debian's, which has the python3-ply and python3-git that deps.sh installs.
# One compiler cache for every build directory: paths below build/ are
# hashed relative to the build directory (all of them are siblings), so an
# object that comes out the same in two configurations is compiled once.
export CCACHE_DIR=$BUILD/ccache CCACHE_BASEDIR=$BUILD CCACHE_NOHASHDIR=1
# Stage timings: stage NAME starts a stage (ending the previous one);
# stage_table prints "stage seconds" for every stage so far.
STAGES=${STAGES:-}
stage() {
	local now
	now=$(date +%s)
	if [ -n "$STAGES" ] && [ -n "${_stage:-}" ]; then
		printf '%s\t%s\n' "$_stage" "$((now - _stage_t))" >> "$STAGES"
	fi
	_stage=$1 _stage_t=$now
	[ -z "$1" ] || log "== $1"
}
stage_table() {
	stage ""
	[ -n "$STAGES" ] && [ -s "$STAGES" ] || return 0
	awk -F'\t' '{ printf "  %-44s %6d\n", $1, $2; t += $2 }
		END { printf "  %-44s %6d\n", "total", t }' "$STAGES"
}
checkpatch() { PATH=/usr/bin:/bin:$PATH perl "$KSRC/scripts/checkpatch.pl" "$@"; }
# The checks too slow for CI (make gates, make matrix) write a record:
# record_begin NAME tees stdout to $BUILD/NAME.out (RECORD_LOG) and takes
# the record key before anything is built; record_end NAME RC writes
# workflow/records/NAME.record from that log.
record_begin() {
	RECORD_LOG=$BUILD/$1.out
	mkdir -p "$BUILD"
	exec > >(tee "$RECORD_LOG")
	RECORD_KEY=$("$TOP/workflow/record.sh" key "$1")
	export RECORD_KEY
}
record_end() {
	sleep 1 # tee has written the last line
	"$TOP/workflow/record.sh" write "$1" "$2" "$RECORD_LOG"
}
