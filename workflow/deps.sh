#!/bin/bash
# Install the Debian packages the workflow needs, only when missing.
set -euo pipefail
. "$(dirname "$0")/common.sh"
want=(build-essential python3-ply python3-git qemu-system-x86 busybox-static libc6-dev bc bison flex libelf-dev libssl-dev ccache cpio xz-utils
      rsync kmod git python3 perl curl ca-certificates)
want+=("$@")
missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
log "installing: ${missing[*]}"
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
# One retry: a mirror or the dpkg lock can fail for a moment.
apt_install() {
	$SUDO apt-get -o DPkg::Lock::Timeout=120 update -q >/dev/null &&
		$SUDO apt-get -o DPkg::Lock::Timeout=120 install -y -q \
			--no-install-recommends "${missing[@]}" >/dev/null
}
apt_install || { log "apt-get failed; retrying in 10 s"; sleep 10; apt_install; } ||
	die "could not install: ${missing[*]}"
