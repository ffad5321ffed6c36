package debian

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/tendhq/tend/agent/cli"
	"github.com/tendhq/tend/agent/settings"
	"github.com/tendhq/tend/docs/schema"
	"github.com/tendhq/tend/fleet"
)

// fakeTend stands in for the binary, which the package ships as it is.
const fakeTend = "#!/bin/sh\nexit 0\n"

func TestBuildLayout(t *testing.T) {
	if _, err := exec.LookPath("dpkg-deb"); err != nil {
		t.Skip("no dpkg-deb")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "tend")
	if err := os.WriteFile(bin, []byte(fakeTend), 0o755); err != nil {
		t.Fatal(err)
	}
	deb, err := Build(context.Background(), Package{Binary: bin, Version: "1.2.3", Date: time.Unix(1772359200, 0)}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(deb) != "tend_1.2.3_amd64.deb" {
		t.Fatalf("built %s", deb)
	}
	out, err := exec.Command("dpkg-deb", "-c", deb).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"drwxr-xr-x root/root 0 ./\n", "-rwxr-xr-x root/root ./usr/bin/tend\n", "drwx------ root/root 0 ./var/lib/tend/\n",
		"-rw-r--r-- root/root ./etc/tend/agent.hcl\n", "-rw-r--r-- root/root ./lib/systemd/system/tend.timer\n",
		"./usr/share/doc/tend/changelog.gz\n", "./usr/share/man/man8/tend.8.gz\n", "./usr/share/lintian/overrides/tend\n",
		"-rw-r--r-- root/root ./usr/share/tend/prometheus/tend.rules.yml\n",
		"-rw-r--r-- root/root ./usr/share/tend/prometheus/tend.rules.test.yml\n",
		"-rw-r--r-- root/root ./usr/share/tend/grafana/tend-fleet.json\n",
	} {
		if !containsEntry(string(out), want) {
			t.Errorf("listing lacks %q:\n%s", want, out)
		}
	}
	tree := filepath.Join(dir, "tree")
	if out, err := exec.Command("dpkg-deb", "-x", deb, tree).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb -x: %v: %s", err, out)
	}
	for _, name := range []string{"prometheus/tend.rules.yml", "prometheus/tend.rules.test.yml", "grafana/tend-fleet.json"} {
		want, _ := fleet.Files.ReadFile(name)
		if got, err := os.ReadFile(filepath.Join(tree, "usr/share/tend", name)); err != nil || len(want) == 0 || !bytes.Equal(got, want) {
			t.Errorf("/usr/share/tend/%s is not fleet/%s: %v", name, name, err)
		}
	}
	checkSchemas(t, string(out), tree)
	info, _ := exec.Command("dpkg-deb", "-f", deb, "Package", "Version", "Architecture", "Maintainer").Output()
	if string(info) != "Package: tend\nVersion: 1.2.3\nArchitecture: amd64\nMaintainer: "+DefaultMaintainer+"\n" {
		t.Errorf("control fields:\n%s", info)
	}
	conf, _ := exec.Command("dpkg-deb", "--info", deb, "conffiles").Output()
	if string(conf) != "/etc/tend/agent.hcl\n" {
		t.Errorf("conffiles %q", conf)
	}
	if _, err := Build(context.Background(), Package{Binary: bin, Version: "1 2"}, dir); err == nil {
		t.Error("a version with a space was accepted")
	}
}

// checkSchemas: every JSON Schema of docs/schema is in the package, as
// /usr/share/tend/schema/NAME, readable by all and unchanged.
func checkSchemas(t *testing.T, listing, tree string) {
	t.Helper()
	names, err := fs.Glob(schema.Files, "*.schema.json")
	if err != nil || len(names) < 7 {
		t.Fatalf("docs/schema holds %v (%v); want the seven schemas", names, err)
	}
	for _, name := range names {
		if !containsEntry(listing, "-rw-r--r-- root/root ./usr/share/tend/schema/"+name+"\n") {
			t.Errorf("listing lacks /usr/share/tend/schema/%s:\n%s", name, listing)
		}
		want, _ := schema.Files.ReadFile(name)
		if got, err := os.ReadFile(filepath.Join(tree, "usr/share/tend/schema", name)); err != nil || !bytes.Equal(got, want) {
			t.Errorf("/usr/share/tend/schema/%s is not docs/schema/%s: %v", name, name, err)
		}
	}
}

// containsEntry matches a dpkg-deb -c line by mode, owner, and name (size
// and date vary); a size in want must match too.
func containsEntry(listing, want string) bool {
	wf := strings.Fields(want)
	for _, line := range strings.Split(listing, "\n") {
		f := strings.Fields(line)
		if len(f) < 6 || f[len(f)-1] != wf[len(wf)-1] {
			continue
		}
		if len(wf) == 1 || (f[0] == wf[0] && f[1] == wf[1] && (len(wf) == 3 || f[2] == wf[2])) {
			return true
		}
	}
	return false
}

// TestManPage: the manual documents every command of tend's own tree,
// every exit code, and nothing of the machine that built it.
func TestManPage(t *testing.T) {
	t.Setenv("TEND_PROVIDERS", "subprocess") // a build machine's setting, not the default
	root := cli.Command()
	text := string(ManPage(root, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)))
	for _, want := range []string{
		".TH TEND 8 2026-03-01 tend", ".SS tend apply [flags] [SAVED_PLAN]\nconverge the host (or apply a saved plan).\n",
		".SS tend agent install [flags]\n", ".SS tend providers lock [flags]\n", ".SS tend completion bash\n",
		"\\fB\\-\\-node\\fR \\fIstring\\fR\nthe node to work on (default: the host name)\n",
		"\\fB\\-r\\fR, \\fB\\-\\-recipient\\fR", "(default: in\\-process, or $TEND_PROVIDERS)",
		"(default: this tend's own path)", `(default: "/var/lib/tend")`, "\n.SH EXIT STATUS\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("manual lacks %q", want)
		}
	}
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if !sub.Hidden {
				if !strings.Contains(text, ".SS "+roff(sub.CommandPath())) {
					t.Errorf("manual lacks the command %q", sub.CommandPath())
				}
				walk(sub)
			}
		}
	}
	walk(root)
	if len(root.Commands()) < 16 {
		t.Errorf("the tree has %d commands", len(root.Commands()))
	}
	_, status, _ := strings.Cut(text, ".SH EXIT STATUS")
	for _, code := range []int{0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 14, 70} {
		if !strings.Contains(status, fmt.Sprintf(".TP\n.B %d\n", code)) {
			t.Errorf("EXIT STATUS does not explain %d", code)
		}
	}
	for _, bit := range []string{"2 when something changed", "4 when something failed", "8 when it applied its last known good"} {
		if !strings.Contains(strings.Join(strings.Fields(status), " "), bit) {
			t.Errorf("EXIT STATUS does not say %q", bit)
		}
	}
	assertNoBuildMachine(t, text)
	if _, err := exec.LookPath("groff"); err == nil {
		cmd := exec.Command("groff", "-man", "-Tutf8", "-ww", "-z")
		cmd.Stdin = strings.NewReader(text)
		if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
			t.Errorf("groff warns: %v\n%s", err, out)
		}
	}
}

// assertNoBuildMachine fails when the manual names the machine building
// it: its host name, the running executable, the working, home or
// temporary directory, or a setting of its environment.
func assertNoBuildMachine(t *testing.T, text string) {
	t.Helper()
	host, _ := os.Hostname()
	exe, _ := os.Executable()
	wd, _ := os.Getwd()
	home, _ := os.UserHomeDir()
	for what, s := range map[string]string{"host name": `"` + host + `"`, "executable": exe,
		"working directory": wd, "home": home, "temporary directory": os.TempDir() + "/", "environment": `(default: "subprocess")`} {
		if s != "" && s != `""` && (strings.Contains(text, roff(s)) || strings.Contains(text, s)) {
			t.Errorf("the manual names the build machine's %s (%s)", what, s)
		}
	}
}

// TestDefaultSettingsParse: the shipped /etc/tend/agent.hcl is a valid,
// empty settings file, so flags alone decide until it is edited.
func TestDefaultSettingsParse(t *testing.T) {
	s, _, exists, diags := settings.Load("files/agent.hcl")
	if !exists || diags.HasErrors() || !reflect.DeepEqual(s, settings.Settings{}) {
		t.Fatalf("settings %+v, exists %v, diagnostics %v", s, exists, diags)
	}
	text, _ := files.ReadFile("files/agent.hcl")
	for _, attr := range settings.Schema.Attributes {
		if !strings.Contains(string(text), "\n# "+attr.Name+" = ") {
			t.Errorf("the default file does not show %s", attr.Name)
		}
	}
}
