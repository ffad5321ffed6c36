package plan

import (
	"strings"
	"testing"

	"github.com/tendhq/tend/resources"
)

func TestRenderEveryAction(t *testing.T) {
	p := &Plan{Node: "web", Resources: []Resource{
		{Address: "file.new", Change: resources.Change{Action: resources.Create, Reason: "file does not exist",
			Attrs:   []resources.AttrChange{resources.NewAttrChange("mode", "", "0644", false)},
			Content: resources.DiffText("/etc/new", nil, []byte("a\n"), false)},
			Notifies: []string{"exec.reload"}},
		{Address: "file.same"},
		{Address: "module.m.file.key", Change: resources.Change{Action: resources.Update, Reason: "content differs",
			Attrs:   []resources.AttrChange{resources.NewAttrChange("owner", "root", "postfix", false)},
			Content: resources.DiffText("/etc/key", []byte("k1\nsecret-a\n"), []byte("k1\nsecret-b\n"), true)}},
		{Address: "file.old", Change: resources.Change{Action: resources.Delete, Reason: "ensure is absent"}},
		{Address: "exec.reload", Change: resources.Change{Action: resources.Refresh}, RefreshFrom: []string{"file.new"}},
		{Address: "file.broken", Error: "read: permission denied"},
	}}
	p.Summarize()
	var b strings.Builder
	Render(&b, p)
	want := `  # file.new will be created (file does not exist)
  + file.new
      + mode = "0644"
      --- /etc/new
      +++ /etc/new
      @@ -0,0 +1 @@
      +a
      notifies exec.reload

  # module.m.file.key will be updated in place (content differs)
  ~ module.m.file.key
      ~ owner = "root" -> "postfix"
      --- /etc/key
      +++ /etc/key
      @@ -1,2 +1,2 @@
       (sensitive line 1)
      -(sensitive line 2)
      +(sensitive line 2)

  # file.old will be deleted (ensure is absent)
  - file.old

  # exec.reload will be refreshed (notified by file.new)
  * exec.reload

  # file.broken could not be planned
  ! file.broken
      error: read: permission denied

Plan: 1 to create, 1 to change, 1 to delete, 1 to refresh. 1 could not be planned.
`
	if got := b.String(); got != want {
		t.Fatalf("rendered plan:\n%s\nwant:\n%s", got, want)
	}
}

func TestRenderNoChanges(t *testing.T) {
	p := &Plan{Node: "web", Resources: []Resource{{Address: "file.a"}, {Address: "file.b"}}}
	p.Summarize()
	var b strings.Builder
	Render(&b, p)
	if want := "No changes. Node web matches its configuration (2 resources).\n"; b.String() != want {
		t.Fatalf("got %q, want %q", b.String(), want)
	}
	if p.HasChanges() {
		t.Fatal("HasChanges on a no-op plan")
	}
}

func TestSensitiveAttributesAreMaskedAtConstruction(t *testing.T) {
	c := resources.NewAttrChange("password", "old-secret", "new-secret", true)
	if strings.Contains(c.Old+c.New, "secret") || c.New != resources.Masked {
		t.Fatalf("sensitive attribute not masked: %+v", c)
	}
}

func TestStaleNamesTheResource(t *testing.T) {
	saved := &Saved{Plan: Plan{Node: "n", Digest: "d", Resources: []Resource{
		{Address: "file.a", Observed: "1"}, {Address: "file.b", Observed: "2", Change: resources.Change{Action: resources.Create}},
	}}}
	fresh := &Plan{Node: "n", Digest: "d", Resources: []Resource{
		{Address: "file.a", Observed: "1"}, {Address: "file.b", Observed: "3", Change: resources.Change{Action: resources.Create}},
	}}
	if got := saved.Stale(fresh); got != "file.b changed on the host since the plan was made" {
		t.Fatalf("Stale = %q", got)
	}
	fresh.Resources[1].Observed = "2"
	if got := saved.Stale(fresh); got != "" {
		t.Fatalf("identical plan reported stale: %q", got)
	}
}

// Warnings show in a changing resource's block and, on their own, for a
// resource with nothing to do, which still leaves "No changes".
func TestRenderWarnings(t *testing.T) {
	p := &Plan{Node: "mx", Resources: []Resource{
		{Address: "tls_certificate.a", Change: resources.Change{Action: resources.Update, Reason: "chain differs",
			Attrs:    []resources.AttrChange{resources.NewAttrChange("not_after", "2026-01-01", "2026-04-01", false)},
			Warnings: []string{"expires in 9 days"}}},
		{Address: "file.same"},
	}}
	p.Summarize()
	var b strings.Builder
	Render(&b, p)
	want := `  # tls_certificate.a will be updated in place (chain differs)
  ~ tls_certificate.a
      ~ not_after = "2026-01-01" -> "2026-04-01"
      warning: expires in 9 days

Plan: 0 to create, 1 to change, 0 to delete, 0 to refresh.
`
	if got := b.String(); got != want {
		t.Fatalf("rendered plan:\n%s\nwant:\n%s", got, want)
	}

	p = &Plan{Node: "mx", Resources: []Resource{
		{Address: "tls_certificate.a", Change: resources.Change{Warnings: []string{"expires in 9 days", "second\nline"}}},
		{Address: "file.same"},
	}}
	p.Summarize()
	b.Reset()
	Render(&b, p)
	want = `  # tls_certificate.a has nothing to do
      warning: expires in 9 days
      warning: second
               line

No changes. Node mx matches its configuration (2 resources).
`
	if got := b.String(); got != want {
		t.Fatalf("rendered plan:\n%s\nwant:\n%s", got, want)
	}
	if p.HasChanges() {
		t.Fatal("warnings made a no-op plan have changes")
	}
}

// A file in a format tend knows shows its changed settings above the
// line diff, a sensitive one names them without values; a file whose
// settings did not change says so; a new file shows all of its settings.
func TestRenderSettings(t *testing.T) {
	p := &Plan{Node: "mx", Resources: []Resource{
		{Address: "file.main_cf", Change: resources.Change{Action: resources.Update, Reason: "content differs",
			Content: resources.DiffText("/etc/postfix/main.cf",
				[]byte("relayhost = [mx.example.org]\nmydestination = a,\n    b\n"),
				[]byte("mydestination = a,\n    b, c\nsmtpd_milters = local:opendkim/opendkim.sock\n"), false)}},
		{Address: "file.sql", Change: resources.Change{Action: resources.Update, Reason: "content differs",
			Content: resources.DiffText("/etc/dovecot/dovecot-sql.conf.ext",
				[]byte("password = hunter2\n"), []byte("password = hunter3\n"), true)}},
		{Address: "file.comment", Change: resources.Change{Action: resources.Update, Reason: "content differs",
			Content: resources.DiffText("/etc/opendkim.conf", []byte("Mode s\n"), []byte("# signing only\nMode   s\n"), false)}},
		{Address: "file.new", Change: resources.Change{Action: resources.Create, Reason: "file does not exist",
			Content: resources.DiffText("/etc/postfix/master.cf", nil, []byte("smtp inet n - y - - smtpd\n"), false)}},
	}}
	p.Summarize()
	var b strings.Builder
	Render(&b, p)
	want := `  # file.main_cf will be updated in place (content differs)
  ~ file.main_cf
      Postfix parameters:
        ~ mydestination: "a, b" -> "a, b, c"
        + smtpd_milters = "local:opendkim/opendkim.sock"
        - relayhost = "[mx.example.org]"
      --- /etc/postfix/main.cf
      +++ /etc/postfix/main.cf
      @@ -1,3 +1,3 @@
      -relayhost = [mx.example.org]
       mydestination = a,
      -    b
      +    b, c
      +smtpd_milters = local:opendkim/opendkim.sock

  # file.sql will be updated in place (content differs)
  ~ file.sql
      Dovecot settings:
        ~ password: (sensitive) -> (sensitive)
      --- /etc/dovecot/dovecot-sql.conf.ext
      +++ /etc/dovecot/dovecot-sql.conf.ext
      @@ -1 +1 @@
      -(sensitive line 1)
      +(sensitive line 1)

  # file.comment will be updated in place (content differs)
  ~ file.comment
      Key-value settings: no setting changed (comments or layout only)
      --- /etc/opendkim.conf
      +++ /etc/opendkim.conf
      @@ -1 +1,2 @@
      -Mode s
      +# signing only
      +Mode   s

  # file.new will be created (file does not exist)
  + file.new
      Postfix services:
        + smtp/inet = "n - y - - smtpd"
      --- /etc/postfix/master.cf
      +++ /etc/postfix/master.cf
      @@ -0,0 +1 @@
      +smtp inet n - y - - smtpd

Plan: 1 to create, 3 to change, 0 to delete, 0 to refresh.
`
	if got := b.String(); got != want {
		t.Fatalf("rendered plan:\n%s\nwant:\n%s", got, want)
	}
}

// TestRenderColour: through a TerminalWriter with colour on, the markers
// and diff lines are coloured and the text is the same as without; a
// control sequence in the content stays escaped.
func TestRenderColour(t *testing.T) {
	p := &Plan{Node: "web", Resources: []Resource{
		{Address: "file.new", Change: resources.Change{Action: resources.Create,
			Attrs:   []resources.AttrChange{resources.NewAttrChange("mode", "", "0644", false)},
			Content: resources.DiffText("/etc/new", []byte("old\n"), []byte("\x1b[2Jnew\n"), false)}},
		{Address: "file.key", Change: resources.Change{Action: resources.Update,
			Attrs: []resources.AttrChange{resources.NewAttrChange("owner", "root", "postfix", false)}}},
		{Address: "file.old", Change: resources.Change{Action: resources.Delete}},
		{Address: "file.broken", Error: "read: permission denied"},
	}}
	p.Summarize()
	var plain, coloured strings.Builder
	Render(resources.NewTerminalWriter(&plain), p)
	w := resources.NewTerminalWriter(&coloured)
	w.SetColour(true)
	Render(w, p)
	for _, want := range []string{
		"  \x1b[32m+\x1b[0m file.new\n", "      \x1b[32m+\x1b[0m mode = \"0644\"\n",
		"      \x1b[31m-old\x1b[0m\n", "      \x1b[32m+\\x1b[2Jnew\x1b[0m\n", "      \x1b[36m@@ -1 +1 @@\x1b[0m\n",
		"      --- /etc/new\n", "  \x1b[33m~\x1b[0m file.key\n", "      \x1b[33m~\x1b[0m owner = \"root\" -> \"postfix\"\n",
		"  \x1b[31m-\x1b[0m file.old\n", "  \x1b[1;31m!\x1b[0m file.broken\n",
	} {
		if !strings.Contains(coloured.String(), want) {
			t.Errorf("coloured plan lacks %q:\n%q", want, coloured.String())
		}
	}
	if strings.Contains(plain.String(), "\x1b") {
		t.Errorf("colour without SetColour:\n%q", plain.String())
	}
	stripped := strings.NewReplacer("\x1b[32m", "", "\x1b[31m", "", "\x1b[33m", "", "\x1b[36m", "", "\x1b[1;31m", "", "\x1b[0m", "").Replace(coloured.String())
	if stripped != plain.String() {
		t.Errorf("colour changed the text:\n%s\nwithout colour:\n%s", stripped, plain.String())
	}
}
