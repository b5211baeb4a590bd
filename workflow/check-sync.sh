#!/bin/bash
# Check that the kernel-layout copies (mm/ include/ lib/ tools/
# Documentation/) are exactly the files the series in patches/ adds.
set -euo pipefail
. "$(dirname "$0")/common.sh"
"$TOP/workflow/fetch-base.sh" >/dev/null 2>&1 || die "no base tree"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export GIT_INDEX_FILE=$tmp/index
cd "$KSRC"
git read-tree base
for p in "$PATCHES"/*.patch; do
	case $p in */0000-cover-letter.patch) continue ;; esac
	git apply --cached "$p" || die "$(basename "$p") does not apply"
done
tree=$(git write-tree)
git diff-tree -r --name-only --diff-filter=A base "$tree" | sort > "$tmp/added"
(cd "$TOP" && env -u GIT_INDEX_FILE git ls-files -co --exclude-standard mm include lib tools Documentation | sort) > "$tmp/copies"
bad=0
if ! diff -u "$tmp/added" "$tmp/copies" > "$tmp/list.diff"; then
	echo "files added by the series and kernel-layout copies differ:"
	cat "$tmp/list.diff"
	bad=1
fi
while read -r f; do
	[ -f "$TOP/$f" ] || continue
	if ! git cat-file blob "$tree:$f" | cmp -s - "$TOP/$f"; then
		echo "$f: copy differs from what the series produces"
		bad=1
	fi
done < "$tmp/added"
if [ -f "$TOP/MAINTAINERS.fragment" ]; then
	if ! git diff base "$tree" -- MAINTAINERS | grep '^+' | grep -v '^+++' | sed 's/^+//' |
	   diff -q - "$TOP/MAINTAINERS.fragment" >/dev/null; then
		echo "MAINTAINERS.fragment differs from the entry the series adds"
		bad=1
	fi
fi
[ $bad -eq 0 ] || exit 1
echo "sync: $(wc -l < "$tmp/added") added files match patches/"
