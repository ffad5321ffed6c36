package debian

import (
	"slices"
	"strings"
	"testing"
)

// Output of apt-get 2.2 (Debian 11) and 2.6 (Debian 12), trimmed.
const (
	simStdout = `NOTE: This is only a simulation!
The following NEW packages will be installed:
  libhashkit2 libmemcached11 opendkim
Inst libhashkit2 (1.1.4-1 Debian:12.15/oldstable [amd64])
Inst libmemcached11 (1.1.4-1 Debian:12.15/oldstable [amd64])
Inst opendkim (2.11.0~beta2-8+deb12u1 Debian:12.15/oldstable [amd64])
Inst libc6 [2.36-9] (2.36-9+deb12u10 Debian:12.15/oldstable [amd64]) []
Remv postfix-cdb [3.7.11-0+deb12u1]
Remv libpq5 [15.18-0+deb12u1] [postgresql-client-15:amd64 ]
Conf opendkim (2.11.0~beta2-8+deb12u1 Debian:12.15/oldstable [amd64])
`
	simStderr = `  Installing libmemcached11:amd64 as Depends of opendkim:amd64
    Installing libhashkit2:amd64 as Depends of libmemcached11:amd64
  Installing libfoo:i386 as PreDepends of opendkim:amd64
`
)

func TestParseSimulation(t *testing.T) {
	p := parseSimulation(simStdout, simStderr, "amd64")
	var inst []string
	for _, c := range p.installs {
		inst = append(inst, describe(c))
	}
	want := []string{"libhashkit2 (1.1.4-1)", "libmemcached11 (1.1.4-1)", "opendkim (2.11.0~beta2-8+deb12u1)", "libc6 (2.36-9 -> 2.36-9+deb12u10)"}
	if !slices.Equal(inst, want) {
		t.Errorf("installs %q, want %q", inst, want)
	}
	if len(p.removes) != 2 || p.removes[1] != (change{name: "libpq5", old: "15.18-0+deb12u1"}) {
		t.Errorf("removes %+v", p.removes)
	}
	if p.pulledBy["libhashkit2"] != "libmemcached11" || p.pulledBy["libmemcached11"] != "opendkim" || p.pulledBy["libfoo:i386"] != "opendkim" {
		t.Errorf("pulledBy %v", p.pulledBy)
	}

	sim := &simulation{plan: p, targets: map[string]bool{"opendkim": true, "postfix-cdb": true}, removals: true}
	d := sim.about(&pkg{spec: spec{name: "opendkim"}}, "amd64")
	if d.version != "2.11.0~beta2-8+deb12u1" || !slices.Equal(d.dependencies, []string{"libhashkit2 (1.1.4-1)", "libmemcached11 (1.1.4-1)"}) {
		t.Errorf("opendkim: %+v", d)
	}
	if !slices.Equal(d.others, []string{"install libc6 (2.36-9 -> 2.36-9+deb12u10)"}) {
		t.Errorf("unexplained changes %q", d.others)
	}
	d = sim.about(&pkg{spec: spec{name: "postfix-cdb", absent: true}}, "amd64")
	if !slices.Equal(d.dependents, []string{"libpq5 (15.18-0+deb12u1)"}) {
		t.Errorf("postfix-cdb's dependents %q", d.dependents)
	}
}

func TestRejected(t *testing.T) {
	stderr := "E: Unable to locate package tend-nope\nE: Version '1.0' for 'postfix' was not found\n" +
		"E: Package 'mail-transport-agent' has no installation candidate\n"
	stdout := "Some packages could not be installed.\nThe following packages have unmet dependencies:\n" +
		" opendkim : Depends: libfoo but it is not installable\n              Depends: libbar\n" +
		" postfix:amd64 : Conflicts: exim4\nE: Unable to correct problems, you have held broken packages.\n"
	unknown, unmet := rejected(stdout, stderr)
	if !slices.Equal(unknown, []string{"tend-nope", "postfix", "mail-transport-agent"}) {
		t.Errorf("unknown %q", unknown)
	}
	if !slices.Equal(unmet, []string{"opendkim", "postfix:amd64"}) {
		t.Errorf("unmet %q", unmet)
	}
	o := op{p: &pkg{spec: spec{name: "postfix"}}}
	if !matches(o, unmet, "amd64") || matches(o, []string{"postfix-cdb"}, "amd64") {
		t.Error("matches")
	}
	lines := errorLines(stdout + simStderr)
	if strings.Contains(lines, "Installing") || !strings.Contains(lines, " opendkim : Depends") || !strings.HasSuffix(lines, "held broken packages.") {
		t.Errorf("error lines:\n%s", lines)
	}
}

func TestLockHolder(t *testing.T) {
	for out, want := range map[string][3]string{
		"Waiting for cache lock: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 30904 (python3)...\n" +
			"E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it?\n": {"/var/lib/dpkg/lock-frontend", "30904", "python3"},
		"E: Could not get lock /var/lib/dpkg/lock. It is held by process 12\n":                                      {"/var/lib/dpkg/lock", "12", ""},
		"E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it?\n": {"/var/lib/dpkg/lock-frontend", "", ""},
	} {
		lock, pid, comm, held := lockHolder(out)
		if !held || [3]string{lock, pid, comm} != want {
			t.Errorf("%q: %q %q %q %v, want %q", out, lock, pid, comm, held, want)
		}
	}
	if _, _, _, held := lockHolder("E: Unable to locate package x\n"); held {
		t.Error("a lock where there is none")
	}
}

func TestSelections(t *testing.T) {
	answers, err := parseAnswers(map[string]string{"postfix/mailname": "string mx.tend.test", "postfix/main_mailer_type": "select No configuration"}, false)
	if err != nil {
		t.Fatal(err)
	}
	s := spec{name: "postfix:amd64", answers: answers}
	want := "postfix postfix/mailname string mx.tend.test\npostfix postfix/main_mailer_type select No configuration\n"
	if got := s.selections(); got != want {
		t.Errorf("selections %q, want %q", got, want)
	}
}
