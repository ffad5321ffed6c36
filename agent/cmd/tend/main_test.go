package main

import "testing"

func TestMemoryLimitedCommands(t *testing.T) {
	for name, args := range map[string][]string{
		"limited":     {"apply", "--node", "mx"},
		"flags first": {"-v", "--root", "/srv/ct", "plan"},
		"agent":       {"agent", "--once"},
	} {
		if !limited(args) {
			t.Errorf("%s: %q gets no memory limit", name, args)
		}
	}
	for _, args := range [][]string{{"validate"}, {"--repo", "x", "validate"}, nil} {
		if limited(args) {
			t.Errorf("%q gets the memory limit", args)
		}
	}
}
