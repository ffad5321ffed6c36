package config_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/tendhq/tend/config"
	"github.com/tendhq/tend/modules"
	"github.com/tendhq/tend/providers"
)

const outsideCanary = "CANARY-closed-world-5b1d"

// closedRepo writes a repository whose node file holds nodeBody and whose
// other files are given, beside a canary file outside it; links maps a
// repository path to a symbolic link's target, where "CANARY" stands for
// the canary file and "OUTSIDE" for its directory.
func closedRepo(t *testing.T, nodeBody string, files, links map[string]string) string {
	t.Helper()
	base := t.TempDir()
	repo, outside := filepath.Join(base, "repo"), filepath.Join(base, "outside")
	files["nodes/n.hcl"] = "node \"n\" {\n  roles = [\"r\"]\n" + nodeBody + "}\n"
	files["roles/r.hcl"] = "role \"r\" {\n}\n"
	files["files/ok"] = "fine\n"
	for name, content := range files {
		mkfile(t, filepath.Join(repo, name), content)
	}
	mkfile(t, filepath.Join(outside, "canary"), outsideCanary+"\n")
	mkfile(t, filepath.Join(outside, "canary.hcl"), "# "+outsideCanary+"\nx = [\n")
	mkfile(t, filepath.Join(outside, "mod/main.hcl"), "# "+outsideCanary+"\nresource \"file\" \"x\" {\n  path = \"/x\"\n  content = \""+outsideCanary+"\"\n}\n")
	for name, target := range links {
		target = strings.NewReplacer("CANARY", filepath.Join(outside, "canary"), "OUTSIDE", outside).Replace(target)
		p := filepath.Join(repo, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
	return repo
}

func mkfile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// load opens the repository and evaluates node n, returning what the
// user would see.
func load(t *testing.T, repo string, max int64) (string, *config.Catalog) {
	t.Helper()
	r, diags := config.Open(config.Options{Repo: repo, Library: modules.Library, Registry: providers.Builtin(), MaxFileSize: max})
	var cat *config.Catalog
	if !diags.HasErrors() {
		var d = diags
		cat, d = r.Catalog("n")
		diags = append(diags, d...)
	}
	var out bytes.Buffer
	config.WriteDiagnostics(&out, diags, r.Sources())
	for name, b := range r.Sources() {
		if bytes.Contains(b, []byte(outsideCanary)) {
			t.Errorf("%s was read from outside the repository: %q", name, b)
		}
	}
	if cat != nil {
		for _, inst := range cat.Instances {
			if strings.Contains(fmt.Sprint(inst.Addr, inst.Config.Values), outsideCanary) {
				t.Errorf("the catalog holds the canary: %s", inst.Addr)
			}
		}
	}
	return out.String(), cat
}

const fileResource = "  resource \"file\" \"f\" {\n    path = \"/etc/f\"\n    %s\n  }\n"

func TestLinksOutOfTheRepository(t *testing.T) {
	res := func(attr string) string { return strings.Replace(fileResource, "%s", attr, 1) }
	for _, c := range []struct {
		name        string
		body        string
		files       map[string]string
		links       map[string]string
		where, want string
	}{
		{"node file", "", nil, map[string]string{"nodes/evil.hcl": "CANARY"},
			"nodes/evil.hcl:1:1:", `nodes/evil.hcl is a symbolic link to "`},
		{"role file", "", nil, map[string]string{"roles/evil.hcl": "OUTSIDE/canary.hcl"},
			"roles/evil.hcl:1:1:", `roles/evil.hcl is a symbolic link to "`},
		{"nodes directory", "", nil, map[string]string{"nodes/sub/x": "CANARY"}, "", ""}, // not read: only nodes/*.hcl
		{"common data", "", nil, map[string]string{"data/common.hcl": "OUTSIDE/canary.hcl"},
			"nodes/n.hcl:1:1:", `data/common.hcl is a symbolic link to "`},
		{"role data", "", nil, map[string]string{"data/roles/r.hcl": "OUTSIDE/canary.hcl"},
			"nodes/n.hcl:2:12:", `data/roles/r.hcl is a symbolic link to "`},
		{"node data", "", nil, map[string]string{"data/nodes/n.hcl": "OUTSIDE/canary.hcl"},
			"nodes/n.hcl:1:1:", `data/nodes/n.hcl is a symbolic link to "`},
		{"data directory", "", nil, map[string]string{"data/nodes": "OUTSIDE"},
			"nodes/n.hcl:1:1:", `data/nodes/n.hcl is reached through data/nodes, a symbolic link to "`},
		{"module directory", "  module \"m\" {\n    source = \"evil\"\n  }\n", nil, map[string]string{"modules/evil": "OUTSIDE/mod"},
			"nodes/n.hcl:4:14:", `modules/evil is a symbolic link to "`},
		{"relative module directory", "  module \"m\" {\n    source = \"./modules/evil\"\n  }\n", nil, map[string]string{"modules/evil": "OUTSIDE/mod"},
			"nodes/n.hcl:4:14:", `modules/evil is a symbolic link to "`},
		{"file in a module", "  module \"m\" {\n    source = \"evil\"\n  }\n", nil, map[string]string{"modules/evil/main.hcl": "OUTSIDE/mod/main.hcl"},
			"nodes/n.hcl:4:14:", `modules/evil/main.hcl is a symbolic link to "`},
		{"source", res(`source = "files/evil"`), nil, map[string]string{"files/evil": "CANARY"},
			"nodes/n.hcl:5:14:", `files/evil is a symbolic link to "`},
		{"source through a directory", res(`source = "files/dir/canary"`), nil, map[string]string{"files/dir": "OUTSIDE"},
			"nodes/n.hcl:5:14:", `is reached through files/dir, a symbolic link to "`},
		{"source climbing", res(`source = "files/up"`), nil, map[string]string{"files/up": "../../outside/canary"},
			"nodes/n.hcl:5:14:", `files/up is a symbolic link to "../../outside/canary", which leaves the repository`},
		{"template", res(`template = "files/evil"`), nil, map[string]string{"files/evil": "CANARY"},
			"nodes/n.hcl:5:16:", `files/evil is a symbolic link to "`},
		{"file()", res(`content = file("files/evil")`), nil, map[string]string{"files/evil": "CANARY"},
			"nodes/n.hcl:5:15:", `files/evil is a symbolic link to "`},
		{"fileexists()", res(`content = fileexists("files/dir/canary") ? "yes" : "no"`), nil, map[string]string{"files/dir": "OUTSIDE"},
			"nodes/n.hcl:5:15:", `is reached through files/dir, a symbolic link to "`},
		{"templatefile()", res(`content = templatefile("files/evil", {})`), nil, map[string]string{"files/evil": "CANARY"},
			"nodes/n.hcl:5:15:", `files/evil is a symbolic link to "`},
	} {
		t.Run(c.name, func(t *testing.T) {
			files := map[string]string{}
			for k, v := range c.files {
				files[k] = v
			}
			out, cat := load(t, closedRepo(t, c.body, files, c.links), 0)
			if strings.Contains(out, outsideCanary) {
				t.Errorf("the diagnostics show the canary:\n%s", out)
			}
			if c.want == "" {
				if out != "" || cat == nil {
					t.Errorf("want no diagnostic, got:\n%s", out)
				}
				return
			}
			if cat != nil {
				t.Errorf("a catalog was built")
			}
			if !strings.HasPrefix(out, c.where) || !strings.Contains(out, c.want) || !strings.Contains(out, "leaves the repository") {
				t.Errorf("diagnostics:\n%s\nwant at %s: %s", out, c.where, c.want)
			}
		})
	}
}

// Links that stay inside the repository are followed as before.
func TestLinksInsideTheRepository(t *testing.T) {
	body := strings.Replace(fileResource, "%s", `source = "files/alias"`, 1) +
		"  resource \"file\" \"g\" {\n    path = \"/etc/g\"\n    content = file(\"files/dir/ok\")\n  }\n" +
		"  module \"m\" {\n    source = \"alias\"\n  }\n"
	files := map[string]string{"modules/real/main.hcl": "resource \"file\" \"x\" {\n  path = \"/etc/x\"\n  content = file(\"../../files/ok\")\n}\n"}
	repo := closedRepo(t, body, files, map[string]string{
		"files/alias": "ok", "files/dir": ".", "modules/alias": "real", "data/common.hcl": "../files/data.hcl",
	})
	mkfile(t, filepath.Join(repo, "files/data.hcl"), "k = 1\n")
	out, cat := load(t, repo, 0)
	if cat == nil || out != "" {
		t.Fatalf("diagnostics:\n%s", out)
	}
	if len(cat.Instances) != 3 {
		t.Errorf("%d instances", len(cat.Instances))
	}
}

func TestOnlyRegularFilesAreRead(t *testing.T) {
	body := strings.Replace(fileResource, "%s", `source = "files/special"`, 1)
	repo := closedRepo(t, body, map[string]string{}, map[string]string{})
	if err := syscall.Mkfifo(filepath.Join(repo, "files/special"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _ := load(t, repo, 0)
	if want := "nodes/n.hcl:5:14: error: Cannot read file; files/special is a named pipe (FIFO), not a regular file"; !strings.HasPrefix(out, want) {
		t.Errorf("diagnostics:\n%s\nwant %s", out, want)
	}
	if err := os.Remove(filepath.Join(repo, "files/special")); err != nil {
		t.Fatal(err)
	}
	mkfile(t, filepath.Join(repo, "files/special"), strings.Repeat("x", 4097))
	out, _ = load(t, repo, 4096)
	if want := "files/special is larger than the limit of 4KiB per repository file"; !strings.Contains(out, want) {
		t.Errorf("diagnostics:\n%s\nwant %s", out, want)
	}
	if _, cat := load(t, repo, 8192); cat == nil {
		t.Error("a file under the limit is refused")
	}
}

// fileexists() is false for what does not exist, and an error for what
// would tell something of the host.
func TestFileExists(t *testing.T) {
	for expr, want := range map[string]string{
		`fileexists("files/ok") ? "y" : "n"`:       "",
		`fileexists("files/missing") ? "n" : "y"`:  "",
		`fileexists("files") ? "n" : "y"`:          "",
		`fileexists("files/ok/x") ? "n" : "y"`:     "",
		`fileexists("../outside/canary") ? 1 : 0`:  "../outside/canary: leaves the repository",
		`fileexists("/etc/passwd") ? 1 : 0`:        "/etc/passwd: file names are relative to the node directory, not absolute",
		`fileexists("files/out/canary") ? 1 : 0`:   "files/out/canary is reached through files/out",
		`fileexists("files/pipe") ? 1 : 0`:         "files/pipe is not a regular file",
		`fileexists("files/dangling") ? "n" : "y"`: "",
	} {
		body := strings.Replace(fileResource, "%s", "content = "+expr, 1)
		repo := closedRepo(t, body, map[string]string{}, map[string]string{"files/out": "OUTSIDE", "files/dangling": "nothing"})
		if err := syscall.Mkfifo(filepath.Join(repo, "files/pipe"), 0o644); err != nil {
			t.Fatal(err)
		}
		out, cat := load(t, repo, 0)
		switch {
		case want == "" && cat != nil:
			if v := cat.Instances[0].Config.Values["content"].AsString(); v != "y" {
				t.Errorf("%s: content %q", expr, v)
			}
		case want == "" || !strings.Contains(out, want):
			t.Errorf("%s:\n%s\nwant %q", expr, out, want)
		}
	}
}
