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
checkpatch() { PATH=/usr/bin:/bin:$PATH perl "$KSRC/scripts/checkpatch.pl" "$@"; }
