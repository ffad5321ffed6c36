package debian_test

import (
	"context"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tendhq/tend/providers/debian"
	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/engine"
	"github.com/tendhq/tend/testfixtures/kindtest"
	"github.com/zclconf/go-cty/cty"
)

// attrs is a test's configured values: strings, bools, ints and
// map[string]string.
type attrs map[string]any

func config(t testing.TB, name string, a attrs, env resources.Env) *resources.Config {
	t.Helper()
	values := map[string]cty.Value{}
	for k, v := range a {
		switch v := v.(type) {
		case string:
			values[k] = cty.StringVal(v)
		case bool:
			values[k] = cty.BoolVal(v)
		case int:
			values[k] = cty.NumberIntVal(int64(v))
		case float64:
			values[k] = cty.NumberFloatVal(v)
		case map[string]string:
			m := map[string]cty.Value{}
			for mk, mv := range v {
				m[mk] = cty.StringVal(mv)
			}
			values[k] = cty.MapVal(m)
		default:
			t.Fatalf("no cty conversion for %T", v)
		}
	}
	cfg := kindtest.Config(t, debian.Schema, env, values)
	cfg.Addr.Name = name
	return cfg
}

// bind makes a resource of kind k, as the config loader does.
func bind(t testing.TB, k resources.Kind, name string, a attrs, env resources.Env) resources.Resource {
	t.Helper()
	r, err := k.New(config(t, name, a, env))
	if err != nil {
		t.Fatalf("New %s: %v", name, err)
	}
	return r
}

// plan runs Read and Plan as `tend plan` does.
func plan(t testing.TB, r resources.Resource) resources.Change {
	t.Helper()
	c, err := planErr(r)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func planErr(r resources.Resource) (resources.Change, error) {
	ctx := context.Background()
	st, err := r.Read(ctx)
	if err != nil {
		return resources.Change{}, err
	}
	return r.Plan(ctx, st)
}

func attr(c resources.Change, name string) (resources.AttrChange, bool) {
	for _, a := range c.Attrs {
		if a.Name == name {
			return a, true
		}
	}
	return resources.AttrChange{}, false
}

func wantAction(t testing.TB, c resources.Change, want resources.Action, reason string) {
	t.Helper()
	if c.Action != want || !strings.Contains(c.Reason, reason) {
		t.Fatalf("change %+v, want %s with a reason containing %q", c, want, reason)
	}
}

// dpkgStatus is the host's dpkg status of a package, "" when dpkg does
// not know it.
func dpkgStatus(t testing.TB, admindir, name string) string {
	t.Helper()
	out, _ := exec.Command("dpkg-query", "--admindir="+admindir, "-W", "-f=${Status}", name).Output()
	return string(out)
}

// aptKnows reports whether the host's apt lists have a package.
func aptKnows(name string) bool {
	out, err := exec.Command("apt-cache", "show", "--no-all-versions", name).Output()
	return err == nil && len(out) > 0
}

// newsWatcher is an engine.Watcher that keeps what the resources said.
type newsWatcher struct {
	mu   sync.Mutex
	news []resources.News
}

func (w *newsWatcher) Started(string, time.Time) {}
func (w *newsWatcher) Finished(engine.Outcome)   {}
func (w *newsWatcher) Told(_ string, n resources.News) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.news = append(w.news, n)
}

// checkNews wants apt's progress for pkg (percentages, up to past 90) and
// dpkg's "Setting up pkg" among what the transaction told.
func checkNews(t testing.TB, w *newsWatcher, pkg string) {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	var progress, setup bool
	last := 0.0
	for _, n := range w.news {
		switch n.Kind {
		case resources.Status:
			progress = progress || strings.Contains(n.Text, pkg) && n.Percent > 0
			last = n.Percent
		case resources.Message:
			setup = setup || strings.HasPrefix(n.Text, "Setting up "+pkg+" ")
		}
	}
	if !progress || last < 90 || !setup {
		t.Errorf("apt's progress for %s (%v, ending at %v%%) or dpkg's Setting up (%v) not told; %d news:\n%v", pkg, progress, last, setup, len(w.news), w.news)
	}
}
