package main

import (
	"debug/buildinfo"
	"os/exec"
	"runtime"
	"strings"

	"github.com/tendhq/tend/agent/bench/sysinfo"
)

// machine describes where the numbers were taken.
type machine struct {
	cpu       string
	cores     int
	memory    string
	kernel    string
	goVersion string
	// revision is the commit tend was built from, "+dirty" when the work
	// tree had changes; "" when the binary does not say.
	revision string
	// tmpFS names the file system type of the scratch directory.
	tmpFS string
	// loadBefore and loadAfter are the 1-minute load averages when the
	// measurements started and ended: other work on the machine shows.
	loadBefore, loadAfter string
}

func describeMachine(tend, scratch string) machine {
	m := machine{cpu: sysinfo.CPUModel(), cores: runtime.NumCPU(), memory: sysinfo.MemTotal(),
		kernel: sysinfo.KernelRelease(), goVersion: runtime.Version(), tmpFS: sysinfo.FSType(scratch), loadBefore: sysinfo.LoadAvg()}
	if bi, err := buildinfo.ReadFile(tend); err == nil {
		m.goVersion = bi.GoVersion
		var rev, dirty string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					dirty = "+dirty"
				}
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" {
			m.revision = rev + dirty
		}
	}
	if m.revision == "" {
		m.revision = gitRevision()
	}
	return m
}

// gitRevision describes the work tree tend was built from when the binary
// carries no VCS stamp (as with -buildvcs=false): the commit, and
// "+dirty" when tracked files differ from it.
func gitRevision() string {
	out, err := exec.Command("git", "describe", "--always", "--abbrev=12", "--dirty=+dirty").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}
