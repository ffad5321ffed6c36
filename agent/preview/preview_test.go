package preview

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/plan"
	"github.com/tendhq/tend/resources/report"
)

// fleet writes the reports of two hosts (the later host first), a run
// report, a damaged file and a file that is not JSON under a directory,
// as an administrator collects them.
func fleet(t *testing.T) string {
	dir := t.TempDir()
	at := time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)
	content := resources.DiffText("/etc/motd", []byte("a\nb\nc\n"), []byte("A\nB\nC\n"), false)
	secret := resources.DiffText("/etc/key", []byte("old\n"), []byte("new\n"), true)
	big := &plan.Plan{Resources: []plan.Resource{
		{Address: "file.motd", Change: resources.Change{Action: resources.Update, Reason: "content differs", Content: content}},
		{Address: "file.key", Change: resources.Change{Action: resources.Update, Content: secret,
			Attrs: []resources.AttrChange{resources.NewAttrChange("owner", "root", "opendkim", false), resources.NewAttrChange("token", "x", "hunter2", true)}}},
		{Address: "file.same", Change: resources.Change{Action: resources.NoOp}},
		{Address: "exec.bad", Error: "could not read\nsecond line"},
	}}
	write := func(host, ref string, set func(p *report.Preview)) {
		p := &report.Preview{Ref: ref, Node: "mx", Host: host, Started: at,
			Source: report.Source{ID: strings.Repeat("c0ffee", 7)[:40], Signer: "OpenPGP key AB (alice)"}}
		set(p)
		os.MkdirAll(filepath.Join(dir, host), 0o700)
		if _, err := report.WritePreview(filepath.Join(dir, host), p); err != nil {
			t.Fatal(err)
		}
	}
	write("mx2", "feature/tls", func(p *report.Preview) { p.SetPlan(big) })
	write("mx1", "feature/tls", func(p *report.Preview) {
		p.SetPlan(&plan.Plan{Resources: []plan.Resource{{Address: "file.same", Change: resources.Change{Action: resources.NoOp}}}})
	})
	write("mx1", "unsigned", func(p *report.Preview) {
		p.Source.Signer = ""
		p.SetRefused(os.ErrPermission)
	})
	os.WriteFile(filepath.Join(dir, "mx1", "previews", "torn.json"), []byte(`{"kind":"preview","ref":`), 0o600)
	os.MkdirAll(filepath.Join(dir, "mx1", "reports"), 0o700)
	os.WriteFile(filepath.Join(dir, "mx1", "reports", "run.json"), []byte(`{"format_version":1,"run_id":"x"}`), 0o600)
	os.WriteFile(filepath.Join(dir, "README"), []byte("collected on monday\n"), 0o600)
	return dir
}

func TestSummary(t *testing.T) {
	dir := fleet(t)
	f, err := Collect(dir)
	if err != nil {
		t.Fatal(err)
	}
	var skipped []string
	for _, s := range f.Skipped {
		skipped = append(skipped, strings.TrimPrefix(s.Path, dir))
		if !strings.Contains(s.Err.Error(), s.Path) {
			t.Errorf("the error %q does not name %s", s.Err, s.Path)
		}
	}
	if strings.Join(skipped, " ") != "/mx1/previews/torn.json /mx1/reports/run.json" {
		t.Fatalf("skipped %v", skipped)
	}
	if !f.Failed() {
		t.Fatal("a refused preview and a failed plan are failures")
	}
	var b bytes.Buffer
	f.Write(&b)
	want := `HOST  NODE  REF          COMMIT        CHANGES  FAILED
mx1   mx    feature/tls  c0ffeec0ffee        0  no
mx1   mx    unsigned     c0ffeec0ffee        -  yes
    refused: permission denied
mx2   mx    feature/tls  c0ffeec0ffee        2  yes
    ~ file.motd (content differs)
        -a
        -b
        -c
        … 3 more lines
    ~ file.key
        ~ owner = "root" -> "opendkim"
        ~ token = (sensitive) -> (sensitive)
        -(sensitive line 1)
        … 1 more line
    ! exec.bad could not be planned
        error: could not read
3 previews on 2 hosts, 2 failed.
`
	if b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
	if strings.Contains(b.String(), "hunter2") {
		t.Fatal("a sensitive value in the summary")
	}
}

func TestSummaryNothingFailed(t *testing.T) {
	dir := t.TempDir()
	p := &report.Preview{Ref: "main", Host: "web", Node: "web"}
	p.SetPlan(&plan.Plan{})
	if _, err := report.WritePreview(dir, p); err != nil {
		t.Fatal(err)
	}
	f, err := Collect(dir)
	if err != nil || f.Failed() || len(f.Hosts) != 1 {
		t.Fatalf("%+v, %v", f, err)
	}
	if _, err := Collect(filepath.Join(dir, "missing")); err == nil {
		t.Fatal("a missing directory is an error")
	}
}
