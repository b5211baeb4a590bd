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
# Recipients from get_maintainer.pl (with the MAINTAINERS the series
# produces): maintainers in To:, reviewers and lists in Cc:; the cover
# letter goes to the union.
mpath=$(mktemp)
git show "$branch:MAINTAINERS" > "$mpath"
# Fixed hash seed: get_maintainer.pl orders equal-ranked entries by hash.
gm() { PERL_HASH_SEED=0 PERL_PERTURB_KEYS=0 perl scripts/get_maintainer.pl --mpath "$mpath" --no-rolestats --no-git \
	--no-git-fallback --no-tree --no-multiline --separator ', ' "$@"; }
all_to= all_cc=
for p in "$PATCHES"/*.patch; do
	case $p in */0000-cover-letter.patch) continue ;; esac
	to=$(gm --m --no-r --no-l "$p")
	cc=$(gm --no-m --r --l "$p")
	all_to="$all_to${all_to:+, }$to"
	all_cc="$all_cc${all_cc:+, }$cc"
	python3 "$TOP/workflow/add-recipients.py" "$p" "$to" "$cc"
done
uniq_list() { echo "$1" | tr ',' '\n' | sed 's/^ *//' | awk 'NF && !seen[$0]++' | paste -sd, | sed 's/,/, /g'; }
# The cover letter's Cc leaves out whoever is in its To already.
cover_to=$(uniq_list "$all_to")
cover_cc=$(uniq_list "$all_cc" | tr ',' '\n' | sed 's/^ *//' |
	grep -vxF -f <(echo "$cover_to" | tr ',' '\n' | sed 's/^ *//') | paste -sd, | sed 's/,/, /g')
python3 "$TOP/workflow/add-recipients.py" "$PATCHES/0000-cover-letter.patch" \
	"$cover_to" "$cover_cc"
rm -f "$mpath"
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
