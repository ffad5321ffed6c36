# The fault suite (agent/faults) at full size: 20 pairs of overlapping
# runs and 200 kill -9 points (at most 400 attempts) over 500-file
# repositories, every state file damaged every way, saved plans tampered
# with. It prints its figures.
# `make test` runs the same suite at a short size (go test's default).
# TEND_FAULTS_SEED=N changes the seed (1 by default).
.PHONY: faults
faults: deps
	TEND_FAULTS=long $(GO) test -count=1 -timeout 90m -v ./agent/faults
