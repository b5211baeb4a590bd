#!/bin/bash
# Per-patch gates, in series order, in a separate worktree (build/bisect-src,
# shared with bisect-build.sh) and build directory (build/bisect-um, UML,
# the KUnit config):
#   - the patch applies (git am),
#   - mm/ and lib/ build (the whole tree builds in workflow/bisect-build.sh),
#   - checkpatch --strict --codespell is clean,
#   - kernel-doc -none -Wall is clean on the .c/.h files it touches,
#   - W=1 and sparse (C=1) add no warning in the .c files it touches
#     (warnings already there in the base are not counted).
# Prints one ok/not ok line per gate and patch.
set -uo pipefail
. "$(dirname "$0")/common.sh"
"$TOP/workflow/deps.sh" sparse codespell
WT=$BUILD/bisect-src
OUT=$BUILD/bisect-um
export CCACHE_DIR=$BUILD/ccache
cd "$KSRC"
[ -d "$WT" ] || git worktree add -q --detach "$WT" base
git -C "$WT" am --abort >/dev/null 2>&1 || true
git -C "$WT" checkout -q -f --detach base
mkdir -p "$OUT"
[ -f "$OUT/.config" ] || cp "$BUILD/kunit-um/.config" "$OUT/.config"
mk() { make -s -C "$WT" ARCH=um O="$OUT" CC="ccache gcc" "$@"; }
# Warnings of W=1 and sparse in @files, one per line, without line numbers.
warnings() { # rev files...
	local objs=() f
	for f in "$@"; do
		case $f in mm/*.c|lib/*.c) [ -f "$WT/$f" ] && objs+=("${f%.c}.o") ;; esac
	done
	[ ${#objs[@]} -gt 0 ] || return 0
	touch "${objs[@]/#/$WT/}" 2>/dev/null
	for f in "${objs[@]}"; do touch "$WT/${f%.o}.c"; done
	mk -k W=1 C=1 "${objs[@]}" 2>&1 | grep -E 'warning:|error:' |
		grep -F -f <(printf '%s\n' "$@") | sed -E 's/:[0-9]+:[0-9]+:/:/' | sort -u
}
fail=0
report() { # rc gate subject
	if [ "$1" -eq 0 ]; then echo "ok $2: $3"; else echo "not ok $2: $3"; fail=1; fi
}
n=0
for p in "$PATCHES"/*.patch; do
	case $p in */0000-cover-letter.patch) continue ;; esac
	n=$((n + 1))
	subj=$(sed -n 's/^Subject: \[[^]]*\] //p' "$p")
	prev=$(git -C "$WT" rev-parse HEAD)
	git -C "$WT" am -q "$p" >/dev/null 2>&1
	rc=$?
	report $rc "applies" "$n $subj"
	if [ $rc -ne 0 ]; then git -C "$WT" am --abort; break; fi
	files=$(git -C "$WT" diff --name-only "$prev" HEAD)
	# mm/ and lib/ hold every .c file the series touches; building them
	# (not the whole kernel) keeps ten rebuilds after a gfp_types.h change
	# affordable on 2 cores.
	mk olddefconfig >/dev/null 2>&1
	mk -j"$(nproc)" mm/ lib/ > "$OUT/build.log" 2>&1
	rc=$?
	[ $rc -eq 0 ] || grep -E 'error' "$OUT/build.log" | head -n 10
	report $rc "builds mm/ and lib/" "$n"
	out=$(cd "$WT" && PATH=/usr/bin:/bin:$PATH perl scripts/checkpatch.pl --strict --codespell --showfile --color=never "$p" 2>&1)
	echo "$out" | grep -q '^total: 0 errors, 0 warnings, 0 checks'; rc=$?
	[ $rc -eq 0 ] || echo "$out" | grep -E -A3 '(ERROR|WARNING|CHECK):' | head -n 20
	report $rc "checkpatch --strict --codespell" "$n"
	kd=$(cd "$WT" && for f in $files; do
		case $f in *.c|*.h) [ -f "$f" ] && scripts/kernel-doc -none -Wall "$f" 2>&1 ;; esac
	done)
	kdb=$(cd "$WT" && for f in $files; do
		case $f in *.c|*.h) git show "base:$f" > /tmp/gates-kd.${f##*.} 2>/dev/null &&
			scripts/kernel-doc -none -Wall /tmp/gates-kd.${f##*.} 2>&1 ;; esac
	done | wc -l)
	[ "$(echo -n "$kd" | grep -c .)" -le "$kdb" ]; rc=$?
	[ $rc -eq 0 ] || echo "$kd" | head -n 10
	report $rc "kernel-doc -Wall" "$n"
	new=$(warnings $files)
	inbase=$(for f in $files; do
		case $f in *.c) git -C "$WT" cat-file -e "base:$f" 2>/dev/null && echo "$f" ;; esac
	done)
	old=
	if [ -n "$inbase" ]; then
		git -C "$WT" checkout -q base -- $inbase
		old=$(warnings $inbase)
		git -C "$WT" checkout -q HEAD -- $inbase
	fi
	added=$(comm -23 <(echo "$new") <(echo "$old") | grep . || true)
	[ -z "$added" ]; rc=$?
	[ $rc -eq 0 ] || echo "$added" | head -n 10
	report $rc "W=1 and sparse add no warning" "$n"
done
exit $fail
