# container: the Debian 11 containers that the integration tests boot
# (package testfixtures/container). container-cache builds the cached root
# file system and downloads the .debs of the package sets the tests ask
# for, so that the test run needs no network and its timings leave the
# build out. A set is the exact Options.Packages of a test (order does not
# matter); a set missing here is downloaded by the first test that needs it.
# Needs root and network. The cache is in $TEND_TEST_CACHE, default
# /var/cache/tend-test; delete it to rebuild everything.
CONTAINER_PACKAGE_SETS ?= "postfix postfix-pcre opendkim opendkim-tools" \
	"postfix opendkim" "postfix" "hello" "git gnupg openssh-client" \
	"$(EMAILOUT_PACKAGES)"

# The packages the example's emailout node installs (agent/e2e computes
# them from the node; keep this in step so the cache has them).
EMAILOUT_PACKAGES = vim-nox screen git etckeeper man-db rsyslog logrotate \
	s-nail netcat-openbsd swaks opendkim opendkim-tools postfix postfix-pcre

# The emailout node under tend agent, which verifies signatures with
# gpg and ssh-keygen (agent/e2e/agent_test.go).
CONTAINER_PACKAGE_SETS += "$(EMAILOUT_PACKAGES) gnupg openssh-client"

# The packages the example's email node installs (agent/e2e computes them
# from the node; keep this in step so the cache has them).
EMAIL_PACKAGES = vim-nox screen git etckeeper man-db rsyslog logrotate \
	s-nail netcat-openbsd swaks mariadb-server dovecot-core dovecot-imapd \
	dovecot-lmtpd dovecot-managesieved dovecot-mysql dovecot-pop3d \
	dovecot-sieve postfix postfix-mysql
CONTAINER_PACKAGE_SETS += "$(EMAIL_PACKAGES)"

.PHONY: container-cache
container-cache: deps
	$(GO) run ./testfixtures/container/warmcache $(CONTAINER_PACKAGE_SETS)

# e2e runs every test, the ones that boot containers included, without
# the race detector (unit runs the rest with it): warm the cache first,
# and make a test that cannot boot a container fail instead of skipping.
.PHONY: e2e
e2e: container-cache
e2e: export TEND_TEST_REQUIRE_CONTAINERS := 1
e2e:
	$(GO) test -count=1 -timeout 25m ./...
