#!/bin/bash
# Fetch the pinned base kernel (Debian linux-source-7.3 7.3.4-1~bpo13+1),
# verify its sha256 and turn it into a git repository with a single base
# commit under build/linux.  Reuses an intact existing tree.
set -euo pipefail
. "$(dirname "$0")/common.sh"

PKG=linux-source-7.3
VER=7.3.4-1~bpo13+1
SHA256=703e369ddd4cce971452f5a593ee55df3a5c10c83caf0fa0df039633ed181ee3
DEB="$DL/${PKG}_${VER//:/%3a}_all.deb"

mkdir -p "$DL"

if [ -f "$BASE_STAMP" ] && git -C "$KSRC" rev-parse -q --verify base >/dev/null 2>&1 &&
   [ "$(cat "$BASE_STAMP")" = "$(git -C "$KSRC" rev-parse base)" ]; then
	log "base tree intact at $KSRC ($(git -C "$KSRC" rev-parse --short base))"
	exit 0
fi

verify() { echo "$SHA256  $1" | sha256sum -c --quiet - >/dev/null 2>&1; }

if ! [ -f "$DEB" ] || ! verify "$DEB"; then
	rm -f "$DEB"
	# A private apt state: our own deb822 source for trixie-backports that
	# reuses the URI of the machine's existing Debian source.  The package
	# is Architecture: all; it is looked up through the amd64 index, which
	# lists arch-all packages too (the separate binary-all index has been
	# seen out of sync with InRelease on the mirror).
	APT="$DL/apt"
	mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/sources.list.d" "$APT/preferences.d"
	uri=$(awk '/^URIs:/ {print $2}' /etc/apt/sources.list.d/debian.sources 2>/dev/null |
		grep -v security | sed -n 1p)
	if [ -z "$uri" ]; then
		uri=$(awk '$1=="deb" && $0 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
	fi
	[ -n "$uri" ] || die "no Debian URI found in the machine's apt sources"
	key=/usr/share/keyrings/debian-archive-keyring.gpg
	cat > "$APT/sources.list.d/trixie-backports.sources" <<SRC
Types: deb
URIs: $uri
Suites: trixie-backports
Components: main
Architectures: amd64
Signed-By: $key
SRC
	aptopts=(-o "Dir::State=$APT" -o "Dir::State::lists=$APT/lists"
		-o "Dir::State::status=/dev/null" -o "Dir::Cache=$APT/cache"
		-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$APT/sources.list.d"
		-o "Dir::Etc::Preferences=/dev/null" -o "Dir::Etc::PreferencesParts=$APT/preferences.d"
		-o "APT::Architecture=amd64" -o "APT::Architectures::=amd64"
		-o "Debug::NoLocking=1" -o "APT::Sandbox::User=root")
	log "apt update (private state, trixie-backports from $uri)"
	apt-get "${aptopts[@]}" -q update >"$DL/apt-update.log" 2>&1 ||
		{ cat "$DL/apt-update.log"; die "apt-get update failed"; }
	log "downloading $PKG=$VER"
	(cd "$DL" && apt-get "${aptopts[@]}" -q download "$PKG=$VER") ||
		die "could not download $PKG=$VER"
	f=$(ls "$DL"/${PKG}_*_all.deb | sed -n 1p)
	[ "$f" = "$DEB" ] || mv "$f" "$DEB"
	verify "$DEB" || { sha256sum "$DEB"; die "sha256 mismatch for $DEB"; }
fi
log "verified $(basename "$DEB") sha256 $SHA256"

rm -rf "$KSRC" "$BUILD/unpack"
mkdir -p "$BUILD/unpack"
log "unpacking"
dpkg-deb --fsys-tarfile "$DEB" | tar -x -C "$BUILD/unpack" --wildcards './usr/src/*.tar.xz'
tarball=$(ls "$BUILD"/unpack/usr/src/linux-source-*.tar.xz | sed -n 1p)
mkdir -p "$KSRC"
tar -xJf "$tarball" -C "$KSRC" --strip-components=1
rm -rf "$BUILD/unpack"

cd "$KSRC"
git init -q -b base-import
# The series is applied (git am) and prepared (b4) as the user of this
# machine; a repository-local identity only when git has none.
git config user.email >/dev/null ||
	{ git config user.name "atomic reserve workflow"; git config user.email "workflow@invalid"; }
git config core.autocrlf false
git config gc.auto 0
# Debian's top-level .gitignore ignores everything: add with -f.
git add -f -A .
GIT_AUTHOR_NAME="pinned base" GIT_AUTHOR_EMAIL="base@invalid" \
GIT_COMMITTER_NAME="pinned base" GIT_COMMITTER_EMAIL="base@invalid" \
GIT_AUTHOR_DATE="2025-01-01T00:00:00Z" GIT_COMMITTER_DATE="2025-01-01T00:00:00Z" \
	git commit -q -m "Linux $VER as shipped in Debian $PKG"
git branch -f base HEAD
git rev-parse base > "$BASE_STAMP"
log "base commit $(git rev-parse --short base) at $KSRC"
