# Workflow for the atomic page reserve series. The series itself is in
# patches/; everything here only drives it. Build trees, downloads and
# caches go to build/ (ignored).
W := workflow
.PHONY: all test deps fetch apply apply-to export check-sync checkpatch kunit \
	kunit-x86 build-x86 boot-test demo report send-prep gates \
	config-builds negative-check htmldocs clean bench bench-zero evidence \
	verify record-check matrix hardening breakdown

# The main job: fetch the pinned kernel, apply the series, build an x86_64
# kernel, boot it under QEMU and show the reserve working.
all:
	@bash $(W)/main.sh

# Every test; ends with "N passed, N failed".
test:
	@bash $(W)/test.sh

deps:
	@bash $(W)/deps.sh
fetch:
	@bash $(W)/fetch-base.sh
apply:
	@bash $(W)/apply.sh
# make apply-to DIR=/path/to/your/linux
apply-to:
	@test -n "$(DIR)" || { echo "usage: make apply-to DIR=/path/to/linux"; exit 2; }
	@bash $(W)/apply.sh "$(DIR)"
# Regenerate patches/ and the kernel-layout copies from build/linux's dev branch.
export:
	@bash $(W)/export.sh $(BRANCH)
check-sync:
	@bash $(W)/check-sync.sh
checkpatch:
	@bash $(W)/checkpatch.sh
kunit:
	@bash $(W)/kunit.sh um
kunit-x86:
	@bash $(W)/kunit.sh x86_64
build-x86:
	@bash $(W)/build-x86.sh
boot-test: build-x86
	@bash $(W)/boot.sh test
demo: build-x86
	@bash $(W)/boot.sh demo
clean:
	rm -rf build/kunit-* build/checkpatch.counts
report:
	@bash $(W)/report.sh
# Latency benchmark in hardirq context on UML (build/bench.txt).
bench:
	@bash $(W)/bench.sh
# Where a pair's time goes: the bench kernel, one case per boot, profiled
# by the host's perf (build/breakdown.txt and README's breakdown table).
#   make breakdown [BREAKDOWN_CASES="stock reserve"] [BREAKDOWN_RUNS=3]
breakdown:
	@bash $(W)/breakdown.sh
# Stock GFP_ATOMIC with the series (reserve 0) and without (build/bench-zero.txt).
bench-zero:
	@bash $(W)/bench-zero.sh
# The performance evidence end to end: fetch and apply if needed, both
# benchmarks, the memory-pressure demo, then README.md and the cover letter.
evidence:
	@bash $(W)/evidence.sh
# A b4 branch of the series signed off by the sender, in build/b4-src, and
# the messages "b4 send" would mail, in build/b4-out:
#   make send-prep [SENDER="Name <addr>"] [AUTHOR=keep|sender]
send-prep:
	@bash $(W)/b4.sh
# Per-patch gates: applies, builds, checkpatch --codespell, kernel-doc, W=1,
# sparse, then the configuration builds. Too slow for CI: run before export;
# writes workflow/records/gates.record, which make test checks.
gates:
	@bash $(W)/gates.sh
# Did the last make gates pass for exactly these patches?
record-check:
	@bash $(W)/record.sh check gates
# The before-export routine: everything, the gates, the matrix and then
# every test.
verify:
	@bash $(W)/gates.sh && bash $(W)/matrix.sh && bash $(W)/test.sh
# The kernel test robot's first day: arm64, i386 HIGHMEM, riscv64, clang,
# allnoconfig and seeded randconfigs with the feature on. Too slow for CI:
# writes workflow/records/matrix.record, which make test checks.
#   make matrix [MATRIX_SEEDS="1 2 3"] [MATRIX_PROB=10]
matrix:
	@bash $(W)/matrix.sh
# Debug kernels (KASAN with debug_pagealloc, page_owner and kmemleak;
# KCSAN; init_on_alloc/init_on_free; PREEMPT_RT), each booted with the
# KUnit suite, the booted test and 60 s storms; README's Reliability table.
#   make hardening [KERNELS="kasan kcsan init-on rt"] [HARDENING_STORM_SECONDS=60]
#                  [HARDENING_FUZZ_WRITES=10000]
hardening:
	@bash $(W)/hardening.sh $(KERNELS)

config-builds:
	@bash $(W)/config-builds.sh
negative-check: build-x86
	@bash $(W)/negative-check.sh
htmldocs:
	@bash $(W)/htmldocs.sh
