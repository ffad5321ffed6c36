# bench: the engine benchmark. Runs the real tend binary on generated node
# repositories of 100, 1000 and 10000 files and rewrites docs/BENCHMARKS.md
# (hand-written notes below its "<!-- notes -->" line are kept). Takes a
# few minutes; run it on an otherwise idle machine.
bench:
	$(GO) run ./agent/bench -out docs/BENCHMARKS.md
