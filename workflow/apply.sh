#!/bin/bash
# Apply the series in patches/ with git am.
#   apply.sh              onto a fresh branch "series" of the pinned base
#   apply.sh DIR          onto the kernel git tree DIR, at its current HEAD
set -euo pipefail
. "$(dirname "$0")/common.sh"

mapfile -t series < <(ls "$PATCHES"/*.patch | grep -v '/0000-cover-letter.patch$')
[ ${#series[@]} -gt 0 ] || die "no patches in $PATCHES"

if [ $# -ge 1 ]; then
	dir=$1
	git -C "$dir" rev-parse --git-dir >/dev/null 2>&1 || die "$dir is not a git tree"
	if [ -n "$(git -C "$dir" status --porcelain --untracked-files=no)" ]; then
		die "$dir has uncommitted changes; commit or stash them first"
	fi
	log "applying ${#series[@]} patches onto $dir ($(git -C "$dir" describe --always HEAD))"
	if ! git -C "$dir" am --3way "${series[@]}"; then
		git -C "$dir" am --abort || true
		die "the series does not apply to $dir; it is left as it was"
	fi
	log "applied: $(git -C "$dir" log --oneline -1)"
	exit 0
fi

"$TOP/workflow/fetch-base.sh"
cd "$KSRC"
git am --abort >/dev/null 2>&1 || true
# Nothing to do when the branch already holds exactly what the series
# produces and is checked out clean: keeps build mtimes, so incremental
# builds stay incremental.
tmpidx=$(mktemp)
target=$(GIT_INDEX_FILE=$tmpidx sh -c 'git read-tree base && for p in "$@"; do git apply --cached "$p" || exit 1; done && git write-tree' sh "${series[@]}" 2>/dev/null || true)
rm -f "$tmpidx"
if [ -n "$target" ] && [ "$(git rev-parse -q --verify "$SERIES_BRANCH^{tree}" 2>/dev/null)" = "$target" ] &&
   [ "$(git symbolic-ref -q --short HEAD)" = "$SERIES_BRANCH" ] &&
   [ -z "$(git status --porcelain --untracked-files=no)" ] &&
   [ "$(git rev-list --count base.."$SERIES_BRANCH")" = "${#series[@]}" ]; then
	log "branch $SERIES_BRANCH already holds the series"
	exit 0
fi
# Keep the working tree's files (and so build mtimes) when nothing changed.
git checkout -q -B "$SERIES_BRANCH" base
if ! git am -q "${series[@]}"; then
	git am --abort || true
	die "the series does not apply to the pinned base"
fi
log "branch $SERIES_BRANCH: $(git rev-list --count base..HEAD) patches on $(git rev-parse --short base)"
