package debian

import (
	"regexp"
	"strings"
)

// What apt-get prints, in the C locale, that this package reads.
var (
	instRE = regexp.MustCompile(`^Inst (\S+) (?:\[(\S+)\] )?\((\S+)`)
	remvRE = regexp.MustCompile(`^Remv (\S+)(?: \[(\S+)\])?`)
	// Debug::pkgDepCache::AutoInstall: "  Installing libfoo:amd64 as Depends of bar:amd64".
	pulledRE = regexp.MustCompile(`^\s*\S+ (\S+) as \S+ of (\S+)\s*$`)
	// Packages apt cannot find in its lists, by what it was asked for.
	unknownREs = []*regexp.Regexp{
		regexp.MustCompile(`^E: Unable to locate package (\S+)`),
		regexp.MustCompile(`^E: Version '[^']*' for '([^']+)' was not found`),
		regexp.MustCompile(`^E: Package '([^']+)' has no installation candidate`),
		regexp.MustCompile(`^E: Couldn't find any package by (?:glob|regex) '([^']+)'`),
	}
	// " postfix : Depends: libfoo but it is not installable", in the
	// block after "The following packages have unmet dependencies:".
	unmetRE  = regexp.MustCompile(`^ (\S+) : `)
	heldByRE = regexp.MustCompile(`Could not get lock (/[\w/.-]*\w)\. It is held by process (\d+)(?: \(([^)]*)\))?`)
	lockRE   = regexp.MustCompile(`(?:Could not get lock |Unable to acquire the dpkg frontend lock \()(/[\w/.-]*\w)`)
)

// change is one package apt-get would change, by its Inst or Remv line.
type change struct {
	name     string
	old, new string
}

// aptPlan is what apt-get -s printed for a transaction it can carry out.
type aptPlan struct {
	installs []change
	removes  []change
	// pulledBy maps a package apt chose to install to the package whose
	// dependency it satisfies.
	pulledBy map[string]string
}

// parseSimulation reads apt-get -s output. Names lose an architecture
// qualifier that is the native one or "all".
func parseSimulation(stdout, stderr, native string) aptPlan {
	p := aptPlan{pulledBy: map[string]string{}}
	for line := range strings.Lines(stdout) {
		if m := instRE.FindStringSubmatch(line); m != nil {
			p.installs = append(p.installs, change{name: bare(m[1], native), old: m[2], new: m[3]})
		} else if m := remvRE.FindStringSubmatch(line); m != nil {
			p.removes = append(p.removes, change{name: bare(m[1], native), old: m[2]})
		}
	}
	for line := range strings.Lines(stderr) {
		if m := pulledRE.FindStringSubmatch(line); m != nil {
			child := bare(m[1], native)
			if _, seen := p.pulledBy[child]; !seen {
				p.pulledBy[child] = bare(m[2], native)
			}
		}
	}
	return p
}

// bare drops a native or "all" architecture qualifier.
func bare(name, native string) string {
	base, arch, ok := strings.Cut(name, ":")
	if ok && (arch == native || arch == "all") {
		return base
	}
	return name
}

// rejected lists the arguments apt refused to resolve: the ones its lists
// do not know, and the ones with unmet dependencies.
func rejected(stdout, stderr string) (unknown, unmet []string) {
	for line := range strings.Lines(stderr) {
		for _, re := range unknownREs {
			if m := re.FindStringSubmatch(line); m != nil {
				unknown = append(unknown, m[1])
			}
		}
	}
	inBlock := false
	for line := range strings.Lines(stdout) {
		switch {
		case strings.HasPrefix(line, "The following packages have unmet dependencies"):
			inBlock = true
		case inBlock && unmetRE.MatchString(line):
			unmet = append(unmet, unmetRE.FindStringSubmatch(line)[1])
		case inBlock && !strings.HasPrefix(line, " "):
			inBlock = false
		}
	}
	return unknown, unmet
}

// errorLines is what apt said went wrong: its E: lines and the unmet
// dependencies block, or the last lines of its output when it said
// neither. Its dependency debugging is left out.
func errorLines(out string) string {
	var keep, all []string
	inBlock := false
	for line := range strings.Lines(out) {
		line = strings.TrimRight(line, "\n")
		if pulledRE.MatchString(line) {
			continue
		}
		all = append(all, line)
		switch {
		case strings.HasPrefix(line, "The following packages have unmet dependencies"):
			inBlock = true
			keep = append(keep, line)
		case inBlock && strings.HasPrefix(line, " "):
			keep = append(keep, line)
		case strings.HasPrefix(line, "E: "):
			inBlock = false
			keep = append(keep, line)
		default:
			inBlock = false
		}
	}
	if len(keep) == 0 {
		keep = all[max(0, len(all)-10):]
	}
	return strings.TrimSpace(strings.Join(keep, "\n"))
}

// lockHolder reads, from apt's complaint about a held lock, the lock and
// who holds it; pid is "" when apt did not say.
func lockHolder(out string) (lock, pid, comm string, held bool) {
	if ms := heldByRE.FindAllStringSubmatch(out, -1); ms != nil {
		m := ms[len(ms)-1]
		return m[1], m[2], m[3], true
	}
	if m := lockRE.FindStringSubmatch(out); m != nil {
		return m[1], "", "", true
	}
	return "", "", "", false
}
