package fidelity

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tendhq/tend/config"
	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/testfixtures/scratchroot"
)

// emailout builds the example's emailout catalog as it is before the
// DKIM record is published (dns_matches false), without secrets/.
func emailout(t *testing.T) *config.Catalog {
	t.Helper()
	observed := map[string]resources.State{"module.opendkim.dkim_key.key": {"dns_matches": "false"}}
	cat, err := scratchroot.Load("../example", "emailout", t.TempDir(), observed)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// content is what the file resource managing path would write.
func content(t *testing.T, cat *config.Catalog, path string) string {
	t.Helper()
	for _, inst := range cat.Instances {
		if inst.Kind.Schema().Kind != "file" || inst.Config == nil || inst.Config.String("path", "") != path {
			continue
		}
		for _, attr := range []string{"content", "source", "template"} {
			if inst.Config.IsSet(attr) {
				return inst.Config.String(attr, "")
			}
		}
	}
	t.Fatalf("no file resource writes %s", path)
	return ""
}

func lines(s string) []string { return strings.Split(s, "\n") }

// TestMainCF compares every parameter the seed's main.cf sets with the
// rendered main.cf, and the other way round. Comments, blank lines, order
// and white space around "=" are not compared (the seed mixes "a=b" and
// "a = b"; Postfix reads both alike).
func TestMainCF(t *testing.T) {
	seed := settings(t, quoted(t, readSeed(t), "disable local delivery", "Emails sent to specific intranet hostnames"))
	got := settings(t, lines(content(t, emailout(t), "/etc/postfix/main.cf")))
	// No exceptions: the seed's commented-out milter block is a comment
	// (modules/postfix/README.md); with the DKIM record unpublished no
	// milter is configured, as on the documented host.
	compareSettings(t, "main.cf", seed, got)
	if len(seed) < 19 {
		t.Errorf("only %d main.cf parameters read from the seed", len(seed))
	}
}

// TestMilterOnceDNSMatches: with the record published, main.cf gets the
// seed's commented-out milter block, enabled.
func TestMilterOnceDNSMatches(t *testing.T) {
	observed := map[string]resources.State{"module.opendkim.dkim_key.key": {"dns_matches": "true"}}
	cat, err := scratchroot.Load("../example", "emailout", t.TempDir(), observed)
	if err != nil {
		t.Fatal(err)
	}
	got := settings(t, lines(content(t, cat, "/etc/postfix/main.cf")))
	var commented []string
	for _, l := range quoted(t, readSeed(t), "# DKIM milter", "transport_maps") {
		if s, ok := strings.CutPrefix(l, "#"); ok && strings.Contains(s, "=") && !strings.HasPrefix(s, " ") {
			commented = append(commented, s)
		}
	}
	want := settings(t, commented)
	if len(want) != 6 {
		t.Fatalf("read %d commented milter settings from the seed, want 6: %v", len(want), want)
	}
	// Exception: the seed's socket is unix:/opendkim/opendkim.sock, the
	// same path tend writes; nothing else differs.
	for name, value := range want {
		if got[name] != value {
			t.Errorf("main.cf: %s = %q, the seed says %q", name, got[name], value)
		}
	}
}

// TestTables compares the canonical and transport tables entry by entry,
// in order (a pcre table's order matters), ignoring the column widths.
func TestTables(t *testing.T) {
	cat := emailout(t)
	seed := readSeed(t)
	for _, c := range []struct{ path, from, to string }{
		{"/etc/postfix/canonical_maps", "admin addresses in /etc/postfix/canonical_maps:", "Emails sent to specific cacert.org hostnames"},
		{"/etc/postfix/transport", "are forwarded via /etc/postfix/transport:", "has to be rehashed"},
	} {
		want := fields(quoted(t, seed, c.from, c.to))
		got := fields(lines(content(t, cat, c.path)))
		if fmt.Sprint(got) != fmt.Sprint(want) || len(want) < 2 {
			t.Errorf("%s:\n got %q\nwant %q (from the seed)", c.path, got, want)
		}
	}
}

// TestOpenDKIMConf checks every line the seed's diff adds to
// opendkim.conf: the same setting with the same value.
func TestOpenDKIMConf(t *testing.T) {
	var added []string
	for _, l := range quoted(t, readSeed(t), "--- opendkim.conf.dpkg-dist", "##  PidFile filename") {
		if s, ok := strings.CutPrefix(l, "+"); ok && !strings.HasPrefix(s, "++") {
			added = append(added, s)
		}
	}
	want := fields(added)
	if len(want) != 5 {
		t.Fatalf("read %d added settings from the seed's diff, want 5: %q", len(want), want)
	}
	got := map[string]string{}
	for _, f := range fields(lines(content(t, emailout(t), "/etc/opendkim.conf"))) {
		if _, dup := got[f[0]]; dup {
			t.Errorf("opendkim.conf sets %s twice", f[0])
		}
		got[f[0]] = strings.Join(f[1:], " ")
	}
	for _, f := range want {
		if v := strings.Join(f[1:], " "); got[f[0]] != v {
			t.Errorf("opendkim.conf: %s is %q, the seed says %q", f[0], got[f[0]], v)
		}
	}
}

// TestInternalHosts compares /etc/dkim/internalhosts line by line.
func TestInternalHosts(t *testing.T) {
	want := quoted(t, readSeed(t), "Internal networks have been defined in /etc/dkim/internalhosts as:", "Tasks")
	got := nonBlank(lines(content(t, emailout(t), "/etc/dkim/internalhosts")))
	if !slices.Equal(got, want) || len(want) != 3 {
		t.Errorf("internalhosts:\n got %q\nwant %q", got, want)
	}
}

// TestMailname reads the mail name from the seed's sentence.
func TestMailname(t *testing.T) {
	re := regexp.MustCompile(`The mailname has been set to (\S+) in /etc/mailname\.`)
	m := re.FindStringSubmatch(strings.Join(readSeed(t), "\n"))
	if m == nil {
		t.Fatal("the seed no longer says what the mailname is")
	}
	if got := content(t, emailout(t), "/etc/mailname"); got != m[1]+"\n" {
		t.Errorf("/etc/mailname is %q, want %q", got, m[1]+"\n")
	}
}

// renamed are the seed's packages Debian 11 knows under another name
// (listed in modules/base/README.md).
var renamed = map[string]string{
	// heirloom-mailx was renamed s-nail upstream; Debian 11 has no
	// transitional package.
	"heirloom-mailx": "s-nail",
}

// recommended are packages the documented hosts got as Recommends of
// the seed's packages (apt-get installs them by default), which the
// example, installing without Recommends, names (data/common.hcl).
var recommended = map[string]string{
	"libnet-ssleay-perl": "swaks's TLS",
}

// emailoutServices are the packages of the services the emailout seed
// lists as running beyond its apt-get install command (which predates
// them: the container's base system and its monitoring), and what the
// admins' access needs.
var emailoutServices = map[string]string{
	"openssh-server":           "openssh server (ssh.service), 22/tcp",
	"cron":                     "cron (cron.service)",
	"icinga2":                  "icinga2 (icinga2.service), 5665/tcp",
	"monitoring-plugins-basic": "the checks icinga2 runs",
	"sudo":                     "the admins' sudo access",
}

// emailoutPackageChecks: the node installs the packages of the seed's
// apt-get install command, the Recommends the example names and the
// packages of the seed's running services, each a subtest, and no other.
func emailoutPackageChecks(t *testing.T) []check {
	t.Helper()
	want := adminPackages(t)
	for name := range emailoutServices {
		want[name] = true
	}
	var out []check
	for _, name := range slices.Sorted(maps.Keys(want)) {
		out = append(out, check{name: "packages/" + name, run: func(p *probe) { p.pkg(name) }})
	}
	return append(out, check{name: "packages/no other package", run: func(p *probe) {
		for _, r := range p.h.res {
			if name, _, _ := strings.Cut(r.attrs["name"], ":"); r.kind == kindPackage && !want[name] {
				p.errorf("%s installs %s, which the seed does not", r.addr, name)
			}
		}
	}, inject: func(h *host) { h.add(kindPackage, "name", "apache2") }})
}

// adminPackages are the packages of the emailout seed's apt-get install
// command, under their Debian 11 names, and the Recommends of theirs the
// example names.
func adminPackages(t *testing.T) map[string]bool {
	t.Helper()
	var cmd string
	for _, l := range quoted(t, readSeed(t), "installed after the container setup:", "Services") {
		cmd += " " + strings.TrimSuffix(strings.TrimSpace(l), "\\")
	}
	f := strings.Fields(cmd)
	if len(f) < 3 || f[0] != "apt-get" || f[1] != "install" {
		t.Fatalf("the seed's package list is not an apt-get install command: %q", cmd)
	}
	want := map[string]bool{}
	for _, p := range f[2:] {
		if n, ok := renamed[p]; ok {
			p = n
		}
		want[p] = true
	}
	for p := range recommended {
		want[p] = true
	}
	return want
}

// compareSettings reports every parameter set differently, or on one
// side only.
func compareSettings(t *testing.T, file string, want, got map[string]string) {
	t.Helper()
	for _, name := range slices.Sorted(maps.Keys(want)) {
		if v, ok := got[name]; !ok {
			t.Errorf("%s: %s is not set; the seed sets %q", file, name, want[name])
		} else if v != want[name] {
			t.Errorf("%s: %s = %q, the seed says %q", file, name, v, want[name])
		}
	}
	for _, name := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: %s = %q is not in the seed", file, name, got[name])
		}
	}
}
