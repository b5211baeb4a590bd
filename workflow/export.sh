#!/bin/bash
# Regenerate patches/ from the development branch of the kernel tree and
# refresh the kernel-layout copies of the files the series adds.
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
	--base=base --no-signature -o "$PATCHES" "base..$branch"
# Kernel-layout copies of the added files.
for d in mm include lib tools Documentation; do
	rm -rf "${TOP:?}/$d"
done
git diff --name-only --diff-filter=A base "$branch" | while read -r f; do
	mkdir -p "$TOP/$(dirname "$f")"
	git show "$branch:$f" > "$TOP/$f"
done
[ -f "$TOP/MAINTAINERS.fragment" ] || true
log "exported $(ls "$PATCHES" | wc -l) files to patches/"
