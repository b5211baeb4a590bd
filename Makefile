# Workflow for the atomic page reserve series. The series itself is in
# patches/; everything here only drives it. Build trees, downloads and
# caches go to build/ (ignored).
W := workflow
.PHONY: all test deps fetch apply apply-to export check-sync checkpatch kunit clean

# The main job: fetch the pinned kernel, apply the series, build it and show
# the reserve working (KUnit on UML).
all: deps fetch apply kunit

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
clean:
	rm -rf build/kunit-* build/checkpatch.counts
