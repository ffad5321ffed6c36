// Package version says which tend this is, for what a saved plan records
// and compares: the stamp a release build sets, else the module version
// and VCS revision Go recorded, else a digest of the executable itself.
//
// Its boundary: naming the running binary. Deciding what a difference
// means is the caller's business.
package version

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
)

// stamp is set by release builds:
// -ldflags "-X github.com/tendhq/tend/agent/version.stamp=1.2.3".
var stamp string

// String names the running tend. Two binaries built from different
// sources get different names; the same binary always gets the same.
var String = sync.OnceValue(func() string {
	if stamp != "" {
		return stamp
	}
	if v := fromBuildInfo(); v != "" {
		return v
	}
	return fromExecutable()
})

// fromBuildInfo is "VERSION REVISION[+dirty]" when Go recorded a VCS
// revision; without one, a module version alone does not tell two
// development builds apart.
func fromBuildInfo() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch {
		case s.Key == "vcs.revision":
			rev = s.Value
		case s.Key == "vcs.modified" && s.Value == "true":
			dirty = "+dirty"
		}
	}
	if rev == "" || dirty != "" {
		return "" // a modified tree: only the binary's digest tells builds apart
	}
	return bi.Main.Version + " " + rev
}

// fromExecutable is "build sha256:PREFIX" of the running binary.
func fromExecutable() string {
	f, err := os.Open("/proc/self/exe")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "unknown"
	}
	return "build sha256:" + hex.EncodeToString(h.Sum(nil))[:16]
}

// commit and date are set by release builds, with stamp:
// -X github.com/tendhq/tend/agent/version.commit=REVISION
// -X github.com/tendhq/tend/agent/version.date=2026-03-01T12:00:00Z.
var commit, date string

// Build is what tend --version says about the running binary.
type Build struct {
	Version string // as String
	Commit  string // the revision it was built from, or "unknown"
	Date    string // the date of that revision, or "unknown"
	Go      string // the Go release and platform that built it
}

// Describe tells which tend this is and what it was built from: the
// stamps of a release build, else what Go recorded.
func Describe() Build {
	b := Build{Version: String(), Commit: commit, Date: date,
		Go: runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch {
			case s.Key == "vcs.revision" && b.Commit == "":
				b.Commit = s.Value
			case s.Key == "vcs.time" && b.Date == "":
				b.Date = s.Value
			}
		}
	}
	if b.Commit == "" {
		b.Commit = "unknown"
	}
	if b.Date == "" {
		b.Date = "unknown"
	}
	return b
}
