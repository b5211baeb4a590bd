#!/bin/bash
# Records of checks that are too slow for CI (make gates, for example).
# A record holds the result of one run, keyed by a hash of what that run
# checked: the patches of the series (not the cover letter, which carries
# only text and numbers, nor the commit id on each patch's first line) and
# the workflow files that define the check. make gates reads all of each
# patch (checkpatch reads the changelog); make matrix only builds kernels,
# so its key takes only the patches' hunks outside tools/ and
# Documentation/, and a changelog, selftest or document change leaves its
# record valid.
# CI cannot rerun such a check, so it proves with "check" that the last
# green run belongs to exactly the patches it tests.
#   record.sh key NAME           print the key for the current tree
#   record.sh part NAME PATCH    print what of PATCH the key of NAME takes
#   record.sh write NAME RC LOG  write workflow/records/NAME.record
#                                (RECORD_KEY: the key taken when the
#                                check started, default the current one)
#   record.sh check NAME         fail unless the record is there, green
#                                and for the current key
set -euo pipefail
. "$(dirname "$0")/common.sh"
REC=${RECORDS:-$TOP/workflow/records}
# The workflow files that define each check, besides patches/.
inputs() { # name
	case $1 in
	gates) echo workflow/gates.sh workflow/config-builds.sh workflow/kunit.sh \
		workflow/build-x86.sh workflow/x86_64.config workflow/common.sh \
		workflow/apply.sh workflow/reports.re ;;
	matrix) echo workflow/matrix.sh workflow/x86_64.config workflow/common.sh workflow/apply.sh ;;
	*) die "unknown record $1" ;;
	esac
}
# What of PATCH the check NAME reads. Without format-patch's "From
# <commit>" line: the same patch exported from another branch keeps its key.
patch_part() { # name patch
	case $1 in
	matrix)	# The diffs of the kernel's files, without the changelog and
		# the diffstat (export.sh writes no "-- " signature).
		awk '/^diff --git / { keep = $3 !~ /^a\/(tools|Documentation)\// }
				keep' "$2" ;;
	*)	sed '1{/^From [0-9a-f]\{40\} /d}' "$2" ;;
	esac
}
about() { # name
	case $1 in
	matrix)	echo "the hunks of patches/00*.patch outside tools/ and Documentation/" ;;
	*)	echo "patches/00*.patch but the cover letter" ;;
	esac
}
key() { # name
	local f
	(
		cd "$TOP"
		for f in patches/*.patch $(inputs "$1"); do
			case $f in
			patches/0000-cover-letter.patch) continue ;;
			patches/*) h=$(patch_part "$1" "$f" | sha256sum) ;;
			*) h=$(sha256sum < "$f") ;;
			esac
			printf '%s %s\n' "${h%% *}" "$f"
		done
	) | sha256sum | cut -d' ' -f1
}
case ${1:-} in
key)	key "$2" ;;
part)	patch_part "$2" "$3" ;;
write)
	name=$2 rc=$3 logf=$4
	mkdir -p "$REC"
	{
		echo "record: $name"
		echo "key: ${RECORD_KEY:-$(key "$name")}"
		echo "result: $([ "$rc" -eq 0 ] && echo pass || echo fail)"
		echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
		echo "host: $(nproc) x $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | sed -n 1p)"
		echo "passed: $(grep -c '^ok ' "$logf" || true)"
		echo "failed: $(grep -c '^not ok ' "$logf" || true)"
		echo "inputs: $(about "$name"), $(inputs "$name" | tr '\n' ' ')"
		echo
		grep -E '^(ok|not ok) ' "$logf" || true
	} > "$REC/$name.record"
	log "record written: workflow/records/$name.record ($(sed -n 's/^result: //p' "$REC/$name.record"))"
	;;
check)
	name=$2 f=$REC/$2.record
	[ -f "$f" ] || { echo "no record of make $name: run it and commit workflow/records/$name.record"; exit 1; }
	want=$(key "$name")
	have=$(sed -n 's/^key: //p' "$f")
	[ "$have" = "$want" ] || { echo "the record of make $name ($(sed -n 's/^date: //p' "$f")) is for other patches or gate scripts (key $have, these are $want)"; exit 1; }
	grep -qx 'result: pass' "$f" || { echo "the last make $name failed:"; grep '^not ok' "$f"; exit 1; }
	[ "$(sed -n 's/^failed: //p' "$f")" = 0 ] && [ "$(sed -n 's/^passed: //p' "$f")" -gt 0 ] ||
		{ echo "the record of make $name counts no passed or some failed checks"; exit 1; }
	echo "make $name passed on $(sed -n 's/^date: //p' "$f") for $(about "$name") ($(sed -n 's/^passed: //p' "$f") checks)"
	;;
*)	echo "usage: record.sh key|part|write|check NAME ..." >&2; exit 2 ;;
esac
