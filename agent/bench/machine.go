package main

import (
	"bufio"
	"debug/buildinfo"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
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
	m := machine{cpu: cpuModel(), cores: runtime.NumCPU(), memory: memTotal(),
		kernel: kernelRelease(), goVersion: runtime.Version(), tmpFS: fsType(scratch), loadBefore: loadAvg()}
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

// cpuModel is the first "model name" of /proc/cpuinfo.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

func memTotal() string {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemTotal:" {
			if kb, err := strconv.ParseInt(f[1], 10, 64); err == nil {
				return fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
			}
		}
	}
	return "unknown"
}

func kernelRelease() string {
	b, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		return runtime.GOOS
	}
	return "Linux " + strings.TrimSpace(string(b))
}

// fsType names a few common file systems by their statfs magic.
func fsType(dir string) string {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return "unknown"
	}
	names := map[int64]string{
		0xEF53: "ext4", 0x01021994: "tmpfs", 0x58465342: "xfs", 0x9123683E: "btrfs",
		0x794C7630: "overlayfs", 0x2FC12FC1: "zfs", 0x65735546: "fuse", 0x6969: "nfs",
		0x01021997: "9p", 0x6a656a63: "virtiofs",
	}
	if n, ok := names[int64(st.Type)]; ok {
		return n
	}
	return fmt.Sprintf("0x%x", st.Type)
}

// loadAvg is the 1-minute load average.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	if f := strings.Fields(string(b)); len(f) > 0 {
		return f[0]
	}
	return "unknown"
}
