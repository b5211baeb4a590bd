#!/bin/bash
# Regenerate patches/ from the development branch of the kernel tree and
# refresh the kernel-layout copies of the files the series adds, and
# MAINTAINERS.fragment.
#   export.sh [BRANCH]      (default: dev)
set -euo pipefail
. "$(dirname "$0")/common.sh"
branch=${1:-dev}
cd "$KSRC"
git rev-parse -q --verify "$branch" >/dev/null || die "no branch $branch in $KSRC"
# The cover letter's subject and text come from workflow/cover-letter.txt.
git config "branch.$branch.description" "$(cat "$TOP/workflow/cover-letter.txt")"
rm -rf "$PATCHES"
git -c core.abbrev=12 format-patch -q --cover-letter --cover-from-description=subject \
	--subject-prefix="RFC PATCH" --base=base --no-signature -o "$PATCHES" "base..$branch"
for d in mm include lib tools Documentation; do
	rm -rf "${TOP:?}/$d"
done
git diff --name-only --diff-filter=A base "$branch" | while read -r f; do
	mkdir -p "$TOP/$(dirname "$f")"
	git show "$branch:$f" > "$TOP/$f"
done
git diff base "$branch" -- MAINTAINERS | grep '^+' | grep -v '^+++' | sed 's/^+//' \
	> "$TOP/MAINTAINERS.fragment"
[ -s "$TOP/MAINTAINERS.fragment" ] || rm -f "$TOP/MAINTAINERS.fragment"
log "exported $(ls "$PATCHES" | wc -l) files to patches/"
