# race-root: the parent-swap race of providers/files at length (make unit
# runs it with 1000 rounds): a directory under the root is swapped for a
# symlink to outside it, in a tight loop, while a file, a link and a
# directory are applied in it; nothing outside the root may be created,
# changed or read. RACE_ROOT_APPLIES sets the rounds.
RACE_ROOT_APPLIES ?= 20000

.PHONY: race-root
race-root:
	TEND_RACE_ROOT_APPLIES=$(RACE_ROOT_APPLIES) $(GO) test -race -count=1 -timeout 30m -v -run TestParentSwapRace ./providers/files/
