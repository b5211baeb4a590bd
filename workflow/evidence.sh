#!/bin/bash
# The performance evidence, end to end from a fresh clone: install what is
# missing, fetch and apply the series, run the latency benchmark and the
# zero-cost comparison on UML, the memory-pressure experiment in a booted
# x86_64 kernel under QEMU (TCG; KVM=1 to opt in), the hard-hrtimer run in
# the same kernel built PREEMPT_RT, then write the tables
# into README.md and the cover letter, and regenerate patches/ from the
# applied series so that patches/0000-cover-letter.patch carries them.
set -euo pipefail
. "$(dirname "$0")/common.sh"
W=$TOP/workflow
"$W/deps.sh"
"$W/fetch-base.sh"
"$W/apply.sh"
"$W/bench.sh"
"$W/bench-zero.sh"
"$W/build-x86.sh"
# The memory-pressure experiment in several boots: one run says nothing.
for i in $(seq 1 "${PRESSURE_BOOTS:-5}"); do
	BOOT_TAG=-$i "$W/boot.sh" pressure > "$BUILD/pressure-$i.txt"
done
# The hardirq case on PREEMPT_RT: the same kernel built PREEMPT_RT.
"$W/build-x86-on.sh" rt "$W/x86_64-rt.config"
BUILD=$BUILD/rt "$W/boot.sh" rt > "$BUILD/rt/rt.txt"
"$W/report.sh"
"$W/export.sh" "$SERIES_BRANCH"
"$W/check-sync.sh"
log "evidence: tables written to README.md, workflow/cover-letter.txt and"
log "patches/0000-cover-letter.patch"
