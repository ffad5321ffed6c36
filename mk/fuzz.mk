# fuzz: the native Go fuzz targets (every func FuzzXxx in a *_test.go:
# the loader's node, data, module and template files, every state file
# decoder, and the configuration formats whose settings a plan compares,
# resources/confdiff's FuzzCompare) and the mutants of the example repository
# (testfixtures/mutants: tend validate and tend plan on each, in worker
# processes, and a sample through the real binary). The fuzz targets'
# seed corpora (f.Add and testdata/fuzz/) already run with every go test.
# fuzz-short, part of make test, fuzzes each target for FUZZTIME_SHORT
# (time-bound, so that a busy machine does less, not longer) and runs
# MUTANTS_SHORT mutants; fuzz runs each target for FUZZTIME and
# MUTANTS mutants. MUTANTS_SEED picks the mutants; a failure names the
# mutant and how to write it out.
FUZZTIME ?= 60s
# Not shorter: go test -fuzz fails ("context deadline exceeded") when the
# time ends before the seed corpus's baseline coverage is gathered, which
# takes FuzzNodeFile over 5 s on a busy machine.
FUZZTIME_SHORT ?= 10s
MUTANTS ?= 20000
MUTANTS_SHORT ?= 1000
MUTANTS_SEED ?= 1

# run_fuzz fuzzes every target for $(1), printing the engine's last
# figures, or the whole failure. go test -fuzz itself sometimes ends with
# "context deadline exceeded" and no failing input (its time ran out
# while it gathered baseline coverage or minimized a new input): such a
# target is fuzzed once more, and fails if that happens again.
define run_fuzz
	@set -e; for f in $$(git ls-files '*_test.go' | xargs grep -l '^func Fuzz'); do \
		for t in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(f \*testing\.F).*/\1/p' $$f); do \
			for try in 1 2; do \
				echo "== $$t (./$$(dirname $$f)) for $(1)"; code=0; \
				out=$$($(GO) test -run '^$$' -fuzz "^$$t\$$" -fuzztime $(1) ./$$(dirname $$f) 2>&1) || code=$$?; \
				if [ $$code -ne 0 ] && [ $$try -eq 1 ] && echo "$$out" | grep -q 'context deadline exceeded' && \
					! echo "$$out" | grep -q 'Failing input written'; then \
					echo "go test -fuzz ran out of time without a failing input; once more"; continue; fi; \
				break; \
			done; \
			if [ $$code -eq 0 ]; then echo "$$out" | grep 'fuzz: elapsed' | tail -n 1; \
			else echo "$$out" | head -n 100; exit $$code; fi; \
		done; \
	done
endef

# run_mutants runs $(1) mutants, planning every $(2)th that validates.
define run_mutants
	TEND_BINARY=$(CURDIR)/build/tend $(GO) test -count=1 -timeout 0 -v -run '^TestMutants$$' ./testfixtures/mutants \
		-mutants=$(1) -mutants.plan-every=$(2) -mutants.seed=$(MUTANTS_SEED)
endef

.PHONY: fuzz fuzz-short
fuzz-short: build
	$(call run_fuzz,$(FUZZTIME_SHORT))
	$(call run_mutants,$(MUTANTS_SHORT),4)

fuzz: build
	$(call run_fuzz,$(FUZZTIME))
	$(call run_mutants,$(MUTANTS),1)
