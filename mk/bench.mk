# bench: the benchmarks, which rewrite docs/BENCHMARKS.md. First the engine
# benchmark: the real tend binary on generated node repositories of 100,
# 1000 and 10000 files (hand-written notes below the file's
# "<!-- notes -->" line are kept), and `tend validate` on generated fleets of
# 100, 1000 and 3000 nodes (its section between "<!-- validate -->" and
# "<!-- /validate -->"; `go run ./agent/bench -group validate -out
# docs/BENCHMARKS.md` runs that group alone). Then the system-catalog benchmark
# (TestSystemCatalogBenchmark in agent/e2e): a no-op apply and plan of 20
# packages, 5 services and 3 Postfix maps in a booted Debian 11 container,
# whose section sits between "<!-- system -->" and "<!-- /system -->" at the
# end of the file. Takes a few minutes and needs root for the container;
# run it on an otherwise idle machine.
bench: container-cache
	$(GO) run ./agent/bench -out docs/BENCHMARKS.md
	TEND_BENCH_OUT=$(CURDIR)/docs/BENCHMARKS.md TEND_TEST_REQUIRE_CONTAINERS=1 \
		$(GO) test -count=1 -timeout 20m -run TestSystemCatalogBenchmark ./agent/e2e/
