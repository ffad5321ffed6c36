// Command bench measures tend's core engine end to end and writes
// docs/BENCHMARKS.md.
//
// For each N (100, 1000 and 10000 by default) it generates a node
// repository with one node whose file resources manage N files of a few
// hundred bytes, 100 to a directory, the directories managed too. It then
// runs the real tend binary as a subprocess against a scratch root, so
// that every figure includes process start, configuration loading and
// evaluation:
//
//   - first apply: an empty root, every file created (exit code 2);
//   - no-op apply: nothing left to do (exit code 0);
//   - plan: nothing left to do (exit code 0).
//
// Each is timed by wall clock over several runs, the median reported, and
// its peak RSS taken from the child's rusage (the highest over the runs).
// Against them stands the floor: an in-process Go pass that lstats,
// reads and sha256-hashes every managed path, which is the least work any
// agent must do to know a file tree is unchanged. The report gives the
// ratio no-op apply / floor, checks that cost grows linearly with N,
// sweeps --parallel, and judges the targets of the spec (no-op apply of
// 1000 files under 100 ms and 40 MiB peak RSS, within 4x of the floor,
// linear in N) as PASS or FAIL.
//
// A second group of measurements, validate, times `tend validate` of every
// node of generated fleets (100, 1000 and 3000 nodes by default, -validate-n)
// that share the roles and modules of testfixtures/example, each node with
// its own data layer under documentation names and addresses, and judges
// the targets (1000 nodes under 5 s, linear in nodes). Its section of the
// report lies between the markers "<!-- validate -->" and
// "<!-- /validate -->", below the notes line, and only this group rewrites
// it.
//
// Run it from the module root:
//
//	go run ./agent/bench -out docs/BENCHMARKS.md
//	go run ./agent/bench -group validate -out docs/BENCHMARKS.md
//
// With -tend it uses a given binary instead of building one. Anything in
// the output file below the line "<!-- notes -->" is kept when the file
// is rewritten, so hand-written analysis survives a re-run. The package's
// Go benchmarks (go test -bench . ./agent/bench) run the same plan and
// apply in process, for CPU and memory profiles.
package main
