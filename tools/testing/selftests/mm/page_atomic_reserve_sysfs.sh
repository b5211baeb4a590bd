#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Tests of /sys/kernel/mm/atomic_reserve: file modes, bad input rejected
# with the right errno and nothing changed, resizing up and down, non-root
# writes refused. Needs root; skips when the reserve is compiled out.

ksft_skip=4
root=/sys/kernel/mm/atomic_reserve
nr=0
failed=0

ok() { nr=$((nr + 1)); echo "ok $nr $*"; }
not_ok() { nr=$((nr + 1)); failed=$((failed + 1)); echo "not ok $nr $*"; }
check() { # description condition...
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP needs root"
	exit $ksft_skip
fi
if [ ! -d "$root" ]; then
	echo "1..0 # SKIP no $root"
	exit $ksft_skip
fi

nodes=$(cd "$root" && ls -d node* 2>/dev/null)
node=$(echo "$nodes" | head -n 1)
saved_size=$(cat "$root/$node/size")
saved_high=$(cat "$root/pcp_high")
saved_low=$(cat "$root/low_percent")

mode_is() { # file mode
	[ "$(stat -c %a "$1")" = "$2" ]
}

# write file value errno-text: the write must fail with that error and the
# file must keep its value.
rejects() {
	before=$(cat "$1")
	if [ -n "$2" ]; then
		# echo, not printf: busybox's printf does not print why a
		# write failed, and the errno text is what is checked here.
		# shellcheck disable=SC3037
		err=$( { echo -n "$2" > "$1"; } 2>&1 )
	else
		err=$( { echo > "$1"; } 2>&1 )
	fi
	rc=$?
	after=$(cat "$1")
	[ $rc -ne 0 ] && echo "$err" | grep -q "$3" && [ "$before" = "$after" ] && return 0
	echo "# $1 <- '$2': exit $rc, '$err', '$before' -> '$after'"
	return 1
}

accepts() { # file value
	printf "%s" "$2" > "$1" && [ "$(cat "$1")" = "$2" ]
}

wait_level() { # node pages
	i=0
	while [ $i -lt 100 ]; do
		[ "$(cat "$root/$1/stats/level")" -ge "$2" ] &&
			[ "$(cat "$root/$1/stats/pending")" -eq 0 ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

page_kb=$(( $(getconf PAGESIZE 2>/dev/null || echo 4096) / 1024 ))
# Free pages: MemFree plus the pages in the per-CPU free lists, which
# MemFree does not count.
free_pages() {
	echo $(( $(awk '/^MemFree:/ { print $2 }' /proc/meminfo) / page_kb +
		 $(awk '$1 == "count:" { s += $2 } END { print s + 0 }' /proc/zoneinfo) ))
}

echo "TAP version 13"

# File modes.
check "pcp_high is 0644" mode_is "$root/pcp_high" 644
check "low_percent is 0644" mode_is "$root/low_percent" 644
bad=0
for n in $nodes; do
	mode_is "$root/$n/size" 644 || bad=1
	mode_is "$root/$n/max_size" 444 || bad=1
	for f in "$root/$n/stats/"*; do mode_is "$f" 444 || bad=1; done
done
for f in "$root/stats/"*; do mode_is "$f" 444 || bad=1; done
check "node size 0644, max_size and every stats file 0444" [ $bad -eq 0 ]
nstats=0
for f in "$root/stats/"*; do [ -f "$f" ] && nstats=$((nstats + 1)); done
check "stats has 23 files" [ $nstats -eq 23 ]

# Bad input: -EINVAL for non-numbers, -ERANGE out of range, nothing changes.
max=$(cat "$root/$node/max_size")
check "size: 'abc' -> EINVAL" rejects "$root/$node/size" abc "Invalid argument"
check "size: '-1' -> EINVAL" rejects "$root/$node/size" -1 "Invalid argument"
check "size: '12abc' -> EINVAL" rejects "$root/$node/size" 12abc "Invalid argument"
check "size: '' -> EINVAL" rejects "$root/$node/size" "" "Invalid argument"
check "size: max_size + 1 -> ERANGE" rejects "$root/$node/size" $((max + 1)) "out of range"
check "size: 2^64 -> ERANGE" rejects "$root/$node/size" 18446744073709551616 "out of range"
check "pcp_high: 0 -> ERANGE" rejects "$root/pcp_high" 0 "out of range"
check "pcp_high: 65 -> ERANGE" rejects "$root/pcp_high" 65 "out of range"
check "pcp_high: 'x' -> EINVAL" rejects "$root/pcp_high" x "Invalid argument"
check "low_percent: 0 -> ERANGE" rejects "$root/low_percent" 0 "out of range"
check "low_percent: 101 -> ERANGE" rejects "$root/low_percent" 101 "out of range"
bad=0
for f in "$root/stats/"* "$root/node"*/stats/* "$root/node"*/max_size; do
	rejects "$f" 0 "denied\|error" || bad=1
done
check "every read-only file refuses writes and keeps its value" [ $bad -eq 0 ]

# Every file reads back one number.
bad=0
for f in "$root"/* "$root"/*/* "$root"/*/*/*; do
	[ -f "$f" ] || continue
	case $(cat "$f") in
	''|*[!0-9]*) echo "# $f: '$(cat "$f")'"; bad=1 ;;
	esac
done
check "every file reads back one number" [ $bad -eq 0 ]

# Good input.
check "pcp_high: 8 accepted" accepts "$root/pcp_high" 8
check "low_percent: 75 accepted" accepts "$root/low_percent" 75
check "size: '0x80' -> EINVAL (decimal)" rejects "$root/$node/size" 0x80 "Invalid argument"
printf "%s" 0128 > "$root/$node/size"
check "size: '0128' accepted as 128" [ "$(cat "$root/$node/size")" = 128 ]

# Resize up: the refill work reaches the size. Large enough that what the
# rest of the system allocates meanwhile does not hide the shrink below.
big=$(cat "$root/$node/max_size")
[ "$big" -gt 1024 ] && big=1024
printf "%s" "$big" > "$root/$node/size"
check "size $big: level reaches $big" wait_level "$node" "$big"

# Resize down: synchronous, MemFree rises by the pages given back.
level=$(cat "$root/$node/stats/level")
free0=$(free_pages)
printf "%s" 0 > "$root/$node/size"
free1=$(free_pages)
gained=$((free1 - free0))
echo "# shrink: level $level, free pages +$gained"
check "size 0: level is 0 when the write returns" [ "$(cat "$root/$node/stats/level")" -eq 0 ]
check "size 0: free pages rise by about the level" \
	[ $gained -ge $((level * 3 / 4)) -a $gained -le $((level * 5 / 4 + 256)) ]

# Non-root writes are refused.
if grep -q '^nobody:' /etc/passwd 2>/dev/null && command -v su >/dev/null; then
	err=$(su -s /bin/sh nobody -c "echo 64 > $root/$node/size" 2>&1)
	rc=$?
	check "non-root write refused" [ $rc -ne 0 -a "$(cat "$root/$node/size")" = 0 ]
else
	nr=$((nr + 1))
	echo "ok $nr non-root write refused # SKIP no nobody user or su"
fi

echo "$saved_high" > "$root/pcp_high"
echo "$saved_low" > "$root/low_percent"
echo "$saved_size" > "$root/$node/size"

echo "1..$nr"
echo "# $((nr - failed)) passed, $failed failed"
[ $failed -eq 0 ]
