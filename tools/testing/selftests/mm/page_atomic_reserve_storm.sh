#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The storm: test_page_atomic_reserve's test=storm allocates and frees with
# every combination of the modifiers, from process, softirq and hardirq
# context on every CPU, while this script resizes every node at random (0
# included), changes pcp_high and low_percent, and takes CPU 1 offline and
# online again, all at once. The module checks the pages (no two owners,
# zeroed, poisoned) and that planted writes after free are found; this
# script checks that with every size back at 0 the reserve holds nothing
# and that its books balance: every page it took from the page allocator
# was given back, left it counted, or is held (the planted writes send
# some to quarantine); that no chunk descriptor is left without a page the
# reserve holds, and that the descriptors' live counts add up to those
# pages (test=chunks); and, more coarsely, that the free pages are back to
# within 1024 pages (4 MiB with 4 KiB pages) of what they were before it
# was sized, quarantined pages aside: the rest of the kernel moves them
# too, by up to 699 pages in the debug kernels it ran in. Needs root and
# the test module.
#
#   page_atomic_reserve_storm.sh [-t SECONDS] [-r SEED]
#
#   -t SECONDS  how long the controls turn (default 10; the storm lasts
#               2 s longer, with the controls left at fixed values)
#   -r SEED     seed of the controls' random values (default: the PID)
#
# PAGE_ATOMIC_RESERVE_MODULE names the module file when it is not
# installed.

ksft_skip=4
root=/sys/kernel/mm/atomic_reserve
mod=${PAGE_ATOMIC_RESERVE_MODULE:-$(modinfo -n test_page_atomic_reserve 2>/dev/null)}
secs=10
seed=$$
while getopts "t:r:" o; do
	case $o in
	t) secs=$OPTARG ;;
	r) seed=$OPTARG ;;
	*) echo "usage: $0 [-t SECONDS] [-r SEED]" >&2; exit 1 ;;
	esac
done

if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP needs root"
	exit $ksft_skip
fi
if [ ! -d "$root" ] || [ ! -f "$mod" ]; then
	echo "1..0 # SKIP needs $root and the test module"
	exit $ksft_skip
fi

nr=0
failed=0
check() { # description condition...
	desc=$1
	shift
	nr=$((nr + 1))
	if "$@"; then
		echo "ok $nr $desc"
	else
		failed=$((failed + 1))
		echo "not ok $nr $desc"
	fi
}
page_kb=$(( $(getconf PAGESIZE 2>/dev/null || echo 4096) / 1024 ))
# MemFree plus the pages in the per-CPU free lists, which it does not count.
free_pages() {
	echo $(( $(awk '/^MemFree:/ { print $2 }' /proc/meminfo) / page_kb +
		 $(awk '$1 == "count:" { s += $2 } END { print s + 0 }' /proc/zoneinfo) ))
}
rstat() { cat "$root/stats/$1"; }
# The books: pages taken from the page allocator, less those given back or
# that left the reserve, less those held (ready, pending, quarantined) or
# handed out. Read until three readings in a row agree: the counters are
# read one by one, and a reading can catch a page between two of them.
books_once() {
	echo $(( $(rstat pages_refilled) - $(rstat pages_returned) - $(rstat released) -
		 $(rstat level) - $(rstat pending) - $(rstat quarantine) - $(rstat outstanding) ))
}
books() {
	b=$(books_once) same=0 i=0
	while [ $same -lt 2 ] && [ $i -lt 100 ]; do
		sleep 0.05
		c=$(books_once)
		if [ "$c" = "$b" ]; then same=$((same + 1)); else same=0; fi
		b=$c i=$((i + 1))
	done
	echo "$b"
}
set_sizes() { # pages, capped at each node's max_size
	for n in "$root"/node*; do
		m=$(cat "$n/max_size")
		v=$1
		[ "$v" -gt "$m" ] && v=$m
		echo "$v" > "$n/size"
	done
}
# The reserve holds nothing: nothing ready, nothing waiting for the work.
empty() {
	i=0
	while [ $i -lt 100 ]; do
		[ "$(rstat level)" -eq 0 ] && [ "$(rstat pending)" -eq 0 ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
cpu1=/sys/devices/system/cpu/cpu1/online

saved_high=$(cat "$root/pcp_high")
saved_low=$(cat "$root/low_percent")
saved=
for n in "$root"/node*; do
	saved="$saved $n:$(cat "$n/size")"
done
restore() {
	[ -w "$cpu1" ] && echo 1 > "$cpu1"
	echo "$saved_high" > "$root/pcp_high"
	echo "$saved_low" > "$root/low_percent"
	for s in $saved; do
		echo "${s##*:}" > "${s%:*}/size"
	done
}
trap restore EXIT

echo "TAP version 13"
set_sizes 0
empty
free0=$(free_pages)
books0=$(books)
quar0=$(rstat quarantine)
set_sizes 256

# The controls, in the background: one random value per step.
counts=${TMPDIR:-/tmp}/page_atomic_reserve_storm.$$
turn() {
	end=$(( $(date +%s) + secs ))
	resizes=0 tunes=0 offlines=0
	awk -v seed="$seed" 'BEGIN { srand(seed); for (;;) print int(rand() * 65536) }' |
	while read -r r; do
		[ "$(date +%s)" -ge "$end" ] && break
		case $((r % 8)) in
		0|1|2)	set -- "$root"/node*
			shift $(( (r / 8) % $# ))
			n=$1
			m=$(cat "$n/max_size")
			[ "$m" -gt 1024 ] && m=1024
			echo $(( (r / 64) % (m + 1) )) > "$n/size" &&
				resizes=$((resizes + 1)) ;;
		3)	echo $(( (r / 8) % 64 + 1 )) > "$root/pcp_high" &&
				tunes=$((tunes + 1)) ;;
		4)	echo $(( (r / 8) % 100 + 1 )) > "$root/low_percent" &&
				tunes=$((tunes + 1)) ;;
		5)	[ -w "$cpu1" ] && [ "$(cat "$cpu1")" = 1 ] &&
				echo 0 > "$cpu1" 2>/dev/null && offlines=$((offlines + 1))
			[ -w "$cpu1" ] && [ $(( (r / 8) % 2 )) = 1 ] && echo 1 > "$cpu1" ;;
		*)	sleep 0.05 ;;
		esac
		echo "$resizes $tunes $offlines" > "$counts"
	done
	# Fixed values for the storm's last seconds and its planted writes.
	[ -w "$cpu1" ] && echo 1 > "$cpu1"
	echo 16 > "$root/pcp_high"
	echo 50 > "$root/low_percent"
	set_sizes 256
}
turn &
turner=$!

marker="page_atomic_reserve_storm.sh $$"
echo "$marker" > /dev/kmsg
err=$(insmod "$mod" test=storm seconds=$((secs + 2)) 2>&1)
wait $turner
read -r resizes tunes offlines < "$counts"
rm -f "$counts"
echo "# controls: $resizes resizes, $tunes pcp_high or low_percent writes," \
	"CPU 1 offline $offlines times"
dmesg | sed -n "/$marker/,\$p" | sed -n 's/.*test_page_atomic_reserve: storm: /# /p'
# The module passes by refusing to stay loaded with EAGAIN.
passed() { # insmod's output
	case $1 in
	*"temporarily unavailable"*) return 0 ;;
	esac
	echo "# insmod: $1"
	return 1
}
desc="storm: one owner per page, zeroed and poisoned as asked, planted writes found"
check "$desc" passed "$err"

set_sizes 0
check "every size 0 after the storm: nothing ready, nothing pending" empty
err=$(insmod "$mod" test=chunks 2>&1)
dmesg | sed -n "/$marker/,\$p" |
	sed -n 's/.*test_page_atomic_reserve: chunks: /# chunks: /p'
check "chunk descriptors: none without a page, their live pages the pages held" passed "$err"
books1=$(books)
free1=$(free_pages)
quar=$(( $(rstat quarantine) - quar0 ))
lost=$(( free0 - free1 - quar ))
echo "# books: $books0 before the reserve was sized, $books1 after the storm at size 0"
echo "# free pages: $free0 before the reserve was sized, $free1 after the storm" \
	"at size 0, $quar quarantined by the storm: $lost pages not back"
check "the reserve's books balance: every page it took is back, counted or held" \
	[ "$books1" = "$books0" ]
check "free pages back within 1024 pages, quarantined pages aside" [ $lost -le 1024 ]

echo "1..$nr"
echo "# $((nr - failed)) passed, $failed failed"
[ $failed -eq 0 ]
