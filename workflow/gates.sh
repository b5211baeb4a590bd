#!/bin/bash
# Per-patch gates. Applies patches/ one by one with git am onto the pinned
# base in $KSRC (detached; the series branch is checked out again at the
# end) and checks, for every patch:
#   - it applies,
#   - the whole tree builds without a warning, incrementally, on UML (the
#     KUnit config, build/kunit-um) and on x86_64 (bzImage and modules, the
#     boot config, build/x86_64),
#   - checkpatch --strict --codespell is clean,
#   - kernel-doc -none -Wall is clean on the .c/.h files it touches,
#   - W=1 and sparse (C=1) add no warning in the .c files it touches
#     (warnings already there in the base are not counted; UML),
#   - for a patch that touches tools/: the perf objects it touches build
#     (with perf's -Werror), its selftests compile with -Wall -Werror, and
#     shellcheck is clean on the selftest scripts it adds.
# The builds use the build directories of kunit.sh and build-x86.sh, so the
# last patch leaves them up to date for the series and those scripts then
# have nothing left to build. After the last patch, the series is built
# in the three configurations of config-builds.sh (feature off, SYSFS=n,
# SMP=n).
# Prints one ok/not ok line per gate and patch. Too slow for CI (on a cold
# machine, patches 1 and 2 each rebuild nearly everything on both
# architectures): "make gates" runs it before export and writes
# workflow/records/gates.record, keyed by patches/ and the gate scripts,
# which CI checks (record.sh check gates). GATES_NO_RECORD=1: no record.
set -uo pipefail
. "$(dirname "$0")/common.sh"
W=$TOP/workflow
# What this run checks: the key of patches/ and the gate scripts now.
record_begin gates
gates_t0=$(date +%s)
"$W/deps.sh" sparse codespell shellcheck libtraceevent-dev
"$W/apply.sh" >/dev/null || die "the series does not apply"
UM=$BUILD/kunit-um
X86=$BUILD/x86_64
# The configs of the whole series; each patch starts from them, and
# olddefconfig drops the options a later patch adds.
"$W/kunit.sh" um config || die "UML config"
"$W/build-x86.sh" config || die "x86_64 config"
cp "$UM/.config" "$BUILD/gates-um.config"
cp "$X86/.config" "$BUILD/gates-x86.config"
cd "$KSRC"
restore() {
	git -C "$KSRC" am --abort >/dev/null 2>&1
	git -C "$KSRC" checkout -q -f "$SERIES_BRANCH"
}
trap restore EXIT
git checkout -q -f --detach base
mk_um() { make -s ARCH=um O="$UM" CC="ccache gcc" "$@"; }
mk_x86() { make -s ARCH=x86_64 O="$X86" CC="ccache gcc" "$@"; }
# Build the whole tree with config $1 in $2; fails on an error or a warning.
build() { # um|x86 config
	local log=$BUILD/gates-$1.log
	cp "$2" "$([ "$1" = um ] && echo "$UM" || echo "$X86")/.config"
	if [ "$1" = um ]; then
		mk_um olddefconfig >/dev/null && mk_um -j"$(nproc)" > "$log" 2>&1
	else
		mk_x86 olddefconfig >/dev/null && mk_x86 -j"$(nproc)" bzImage modules > "$log" 2>&1
	fi || { grep -iE 'error|warning' "$log" | sed -n 1,10p; return 1; }
	! grep -E 'warning:' "$log" | sed -n 1,10p | grep .
}
# Warnings of W=1 and sparse in @files, one per line, without line numbers.
warnings() { # files...
	local objs=() f
	for f in "$@"; do
		case $f in mm/*.c|lib/*.c) [ -f "$f" ] && objs+=("${f%.c}.o") ;; esac
	done
	[ ${#objs[@]} -gt 0 ] || return 0
	for f in "${objs[@]}"; do touch "${f%.o}.c"; done
	mk_um -k W=1 C=1 "${objs[@]}" 2>&1 | grep -E 'warning:|error:' |
		grep -F -f <(printf '%s\n' "$@") | sed -E 's/:[0-9]+:[0-9]+:/:/' | sort -u
}
# perf objects, selftests and selftest scripts among @files.
tools() { # files...
	local f objs=() rc=0
	for f in "$@"; do
		case $f in
		tools/perf/*.c) objs+=("${f#tools/perf/}") ;;
		tools/perf/*) ;;
		tools/testing/selftests/mm/*.c)
			gcc -Wall -Werror -O2 -I tools/testing/selftests -o /dev/null "$f" || rc=1 ;;
		tools/testing/selftests/mm/*.sh)
			# New scripts only: the base's own (run_vmtests.sh) are
			# not shellcheck-clean.
			git cat-file -e "base:$f" 2>/dev/null || shellcheck "$f" || rc=1 ;;
		esac
	done
	if [ ${#objs[@]} -gt 0 ]; then
		mkdir -p "$BUILD/perf"
		# A lean perf: libtraceevent (which builtin-kmem needs), no other
		# optional library.
		make -s -C tools/perf O="$BUILD/perf" NO_LIBELF=1 NO_JEVENTS=1 NO_LIBPYTHON=1 \
			NO_LIBPERL=1 NO_LIBBPF=1 NO_BPF_SKEL=1 NO_SDT=1 NO_LIBUNWIND=1 NO_LIBDW=1 \
			NO_SLANG=1 NO_GTK2=1 NO_LIBNUMA=1 NO_LIBCAP=1 NO_LIBBABELTRACE=1 \
			NO_DEMANGLE=1 "${objs[@]/%.c/.o}" > "$BUILD/gates-perf.log" 2>&1 || rc=1
		grep -E 'error:|warning:' "$BUILD/gates-perf.log" | sed -n 1,10p
		grep -q 'warning:' "$BUILD/gates-perf.log" && rc=1
		for f in "${objs[@]}"; do [ -f "$BUILD/perf/${f%.c}.o" ] || rc=1; done
	fi
	return $rc
}
fail=0
report() { # rc gate subject
	if [ "$1" -eq 0 ]; then echo "ok $2: $3"; else echo "not ok $2: $3"; fail=1; fi
}
n=0
for p in "$PATCHES"/*.patch; do
	case $p in */0000-cover-letter.patch) continue ;; esac
	n=$((n + 1))
	prev=$(git rev-parse HEAD)
	git am -q "$p" >/dev/null 2>&1
	rc=$?
	subj=$(git log -1 --format=%s)
	[ $rc -eq 0 ] || subj=$(basename "$p")
	report $rc "applies" "$n $subj"
	if [ $rc -ne 0 ]; then git am --abort; break; fi
	files=$(git diff --name-only "$prev" HEAD)
	log "gates: patch $n: building"
	build um "$BUILD/gates-um.config"; report $? "builds on UML, whole tree, no warning" "$n"
	build x86 "$BUILD/gates-x86.config"; report $? "builds on x86_64, bzImage and modules, no warning" "$n"
	out=$(checkpatch --strict --codespell --showfile --color=never "$p" 2>&1)
	grep -q '^total: 0 errors, 0 warnings, 0 checks' <<<"$out"; rc=$?
	# On failure, what checkpatch said: its reports, or, when it printed
	# none (it once failed so, and passed on every rerun), its last lines.
	if [ $rc -ne 0 ]; then
		echo "$out" | grep -E -A3 '(ERROR|WARNING|CHECK):' | sed -n 1,20p
		grep -qE '(ERROR|WARNING|CHECK):' <<<"$out" || echo "$out" | tail -n 10
	fi
	report $rc "checkpatch --strict --codespell" "$n"
	kd=$(for f in $files; do
		case $f in *.c|*.h) [ -f "$f" ] && scripts/kernel-doc -none -Wall "$f" 2>&1 ;; esac
	done)
	kdb=$(for f in $files; do
		case $f in *.c|*.h) git show "base:$f" > /tmp/gates-kd.${f##*.} 2>/dev/null &&
			scripts/kernel-doc -none -Wall /tmp/gates-kd.${f##*.} 2>&1 ;; esac
	done | wc -l)
	[ "$(echo -n "$kd" | grep -c .)" -le "$kdb" ]; rc=$?
	[ $rc -eq 0 ] || echo "$kd" | sed -n 1,10p
	report $rc "kernel-doc -Wall" "$n"
	new=$(warnings $files)
	inbase=$(for f in $files; do
		case $f in *.c) git cat-file -e "base:$f" 2>/dev/null && echo "$f" ;; esac
	done)
	old=
	if [ -n "$inbase" ]; then
		git checkout -q base -- $inbase
		old=$(warnings $inbase)
		git checkout -q HEAD -- $inbase
	fi
	added=$(comm -23 <(echo "$new") <(echo "$old") | grep . || true)
	[ -z "$added" ]; rc=$?
	[ $rc -eq 0 ] || echo "$added" | sed -n 1,10p
	report $rc "W=1 and sparse add no warning" "$n"
	if grep -q '^tools/' <<<"$files"; then
		tools $files; report $? "perf, selftests and shellcheck" "$n"
	fi
done
[ "$(git rev-parse HEAD^{tree})" = "$(git rev-parse "$SERIES_BRANCH^{tree}")" ] ||
	{ echo "not ok the gated series is not $SERIES_BRANCH"; fail=1; }
restore
trap - EXIT
log "gates: configuration builds"
"$W/config-builds.sh" || fail=1
log "gates: $(grep -c '^ok ' "$RECORD_LOG") ok, $(grep -c '^not ok ' "$RECORD_LOG") not ok in $(( $(date +%s) - gates_t0 ))s"
[ "${GATES_NO_RECORD:-0}" = 1 ] || record_end gates $fail
exit $fail
