# tend: build, test and benchmark. Every target installs what it needs.

export PATH := /usr/local/go/bin:$(HOME)/go/bin:$(PATH)
GO ?= go
STATICCHECK_VERSION ?= v0.8.2
EXAMPLE_ROOT ?= build/example-root

# Debian packages the tests use: git for the node repositories, postfix
# and its map plugins for postfix_map's tests against the real postmap,
# debootstrap and systemd-container for the Debian 11 test containers
# (testfixtures/container), gnupg and openssh-client to sign and verify
# the agent's commits, lxc for the same containers booted by LXC. lxc's
# lxc-net service would put a bridge with a private address (lxcbr0,
# 10.0.3.1) on this machine: its settings file is written first with the
# bridge off, and kept (--force-confold) when the package comes.
APT_PACKAGES := git ca-certificates postfix postfix-pcre postfix-cdb postfix-lmdb \
	debootstrap systemd-container gnupg openssh-client lxc

.PHONY: all build deps example test lint unit bench clean docs

all: build

build: deps
	$(GO) build -ldflags="$(VERSION_LDFLAGS)" -o build/tend ./agent/cmd/tend

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		case " $$missing " in *" postfix "*) \
			echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections;; esac; \
		case " $$missing " in *" lxc "*) [ -e /etc/default/lxc-net ] || \
			echo 'USE_LXC_BRIDGE="false"' > /etc/default/lxc-net;; esac; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			-o Dpkg::Options::=--force-confold $$missing; \
	fi
	@command -v $(GO) >/dev/null || { echo "Go is required (expected at /usr/local/go)"; exit 1; }
	$(GO) mod download

# The main job on the bundled example: plan the emailout relay against a
# scratch root that looks like a Debian host with the node's packages
# installed (testfixtures/scratchroot; nothing outside build/ is touched).
example: build
	$(GO) run ./testfixtures/scratchroot/cmd/scratchroot -repo testfixtures/example -node emailout $(EXAMPLE_ROOT)
	./build/tend plan --repo testfixtures/example --node emailout \
		--root $(EXAMPLE_ROOT) --state-dir build/example-state; \
	code=$$?; [ $$code -eq 0 ] || [ $$code -eq 2 ]

# test runs fuzz-short beside e2e rather than before it: the containers'
# package installs spend much of their time waiting on the disk, which
# the fuzzers and mutants use; fuzz-short's output comes when it is done.
test: deps lint unit build
	@mkdir -p build; \
	$(MAKE) --no-print-directory fuzz-short >build/fuzz-short.log 2>&1 & fuzz=$$!; \
	echo "make fuzz-short, beside make e2e (output when done)"; \
	$(MAKE) --no-print-directory e2e; rc=$$?; \
	wait $$fuzz; fuzzrc=$$?; cat build/fuzz-short.log; \
	[ $$rc -eq 0 ] && [ $$fuzzrc -eq 0 ]

# unit runs every package's tests with the race detector, in -short mode,
# except agent/cli's testscripts, which run the real CLI end to end (e2e
# runs them beside the container tests; race-cli with the race detector),
# and the hostile variants of the example, which fuzz-short runs (1000 of
# them, against the real binary too).
unit: prometheus-tools
	$(GO) test -race -short -count=1 -skip '^(TestScripts|TestMutants)$$' ./...

# docs rewrites the parts of docs/LANGUAGE.md that tend doc generates from
# the kinds' schemas (TestLanguageDocKinds fails when they differ).
docs:
	$(GO) test ./agent/cli -run '^TestLanguageDocKinds$$' -count=1 -update

lint:
	@bad=$$(gofmt -l $$(git ls-files '*.go')); [ -z "$$bad" ] || { echo "gofmt needed:"; echo "$$bad"; exit 1; }
	$(GO) vet ./...
	@command -v staticcheck >/dev/null || $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	staticcheck ./...
	$(GO) mod tidy -diff

include mk/*.mk

clean:
	rm -rf build
