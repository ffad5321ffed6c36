# container: the Debian 11 containers that the integration tests boot
# (package testfixtures/container). container-cache builds the cached root
# file system and downloads the .debs of the package sets the tests ask
# for, so that the test run needs no network and its timings leave the
# build out. A set is the exact Options.Packages of a test (order does not
# matter); a set missing here is downloaded by the first test that needs it.
# Needs root and network. The cache is in $TEND_TEST_CACHE, default
# /var/cache/tend-test; delete it to rebuild everything.
CONTAINER_PACKAGE_SETS ?= "postfix postfix-pcre opendkim opendkim-tools" \
	"postfix opendkim" "postfix" "hello" "git gnupg openssh-client"

# The example's nodes, as agent/e2e boots them: @REPO:NODE stands for
# the packages the node installs, computed as the tests compute them.
CONTAINER_PACKAGE_SETS += "@testfixtures/example:emailout" \
	"@testfixtures/example:emailout gnupg openssh-client" \
	"@testfixtures/example:email"

# Debian 12, where the .deb is installed too (agent/debian) and the
# harness checks itself (testfixtures/container).
BOOKWORM_PACKAGE_SETS ?= "git gnupg openssh-client" "hello"

.PHONY: container-cache
container-cache: deps
	$(GO) run ./testfixtures/container/warmcache $(CONTAINER_PACKAGE_SETS)
	$(GO) run ./testfixtures/container/warmcache -release bookworm $(BOOKWORM_PACKAGE_SETS)

# e2e runs the tests unit could not: those of the packages whose tests
# boot containers (testfixtures/container) or skip in -short mode, in full
# and without the race detector (unit ran every other test, and these in
# -short mode, with it). It warms the cache first, and makes a test that
# cannot boot a container fail instead of skipping. The mutants are left
# to fuzz-short, which runs more of them. agent/cli (its testscripts: the
# CLI end to end) runs as a second go test beside the others: the
# container tests spend much of their time waiting on the containers, and
# it fills that time. race-cli runs the testscripts with the race detector
# (four to ten times the CPU, which would starve the containers here).
E2E_PACKAGES = $(shell git ls-files '*_test.go' | \
	xargs grep -l -e 'testing\.Short()' -e '"github.com/tendhq/tend/testfixtures/container"' | \
	xargs -n1 dirname | sort -u | sed 's|^|./|' | grep -v -e '^./testfixtures/mutants$$' -e '^./agent/cli$$')

.PHONY: e2e
e2e: container-cache prometheus-tools
e2e: export TEND_TEST_REQUIRE_CONTAINERS := 1
e2e:
	@mkdir -p build; \
	$(GO) test -count=1 -timeout 60m ./agent/cli >build/e2e-cli.log 2>&1 & cli=$$!; \
	echo "$(GO) test -count=1 -timeout 60m ./agent/cli (output when done)"; \
	echo "$(GO) test -count=1 -timeout 60m $(E2E_PACKAGES)"; \
	$(GO) test -count=1 -timeout 60m $(E2E_PACKAGES); rc=$$?; \
	wait $$cli; clirc=$$?; cat build/e2e-cli.log; \
	[ $$rc -eq 0 ] && [ $$clirc -eq 0 ]

.PHONY: race-cli
race-cli: build prometheus-tools
	$(GO) test -race -count=1 -timeout 60m ./agent/cli
