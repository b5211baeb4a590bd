#!/bin/bash
# The main job: fetch the pinned kernel, apply the series, build an x86_64
# kernel with it, boot it under QEMU (TCG; KVM=1 to opt in) and show the
# reserve working against stock GFP_ATOMIC under memory pressure.
set -euo pipefail
. "$(dirname "$0")/common.sh"
W=$TOP/workflow
stage() { log "== stage $1"; }
stage "1/5 install missing Debian packages"
"$W/deps.sh"
stage "2/5 fetch and verify linux-source-7.3 7.3.4-1~bpo13+1"
"$W/fetch-base.sh"
stage "3/5 apply the series (git am)"
"$W/apply.sh"
stage "4/5 build the x86_64 kernel (cold build: about 6 minutes on 2 cores)"
"$W/build-x86.sh"
stage "5/5 boot it under QEMU and run the demonstration"
"$W/boot.sh" demo | tee "$BUILD/demo.txt"
echo
log "summary: $(git -C "$KSRC" rev-list --count base..HEAD) patches applied to the pinned base;"
log "kernel $(cat "$BUILD/x86_64/include/config/kernel.release") booted under QEMU ($([ "${KVM:-0}" = 1 ] && echo KVM || echo TCG)), 2 vCPUs, 2 NUMA nodes;"
log "failures per burst (N, stock, page mempool, reserve):"
sed -n 's/^PAR-DEMO N=\([0-9]*\) stock_got=[0-9]* stock_failed=\([0-9]*\) reserve_got=[0-9]* reserve_failed=\([0-9]*\) mempool_got=[0-9-]* mempool_failed=\([0-9-]*\)/  N=\1 stock failed \2, mempool failed \4, reserve failed \3/p' \
	"$BUILD/boot-demo.log" >&2
log "full console: $BUILD/boot-demo.log"
