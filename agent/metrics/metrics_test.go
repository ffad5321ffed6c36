package metrics

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tendhq/tend/agent/disable"
	"github.com/tendhq/tend/agent/runlock"
	"github.com/tendhq/tend/resources/engine"
	"github.com/tendhq/tend/resources/report"
)

// sample is one parsed exposition line.
type sample struct {
	labels map[string]string
	value  float64
}

var (
	metricName = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	labelName  = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
)

// parse reads the text exposition format strictly, as the textfile
// collector must: every family has HELP then TYPE before its samples,
// appears once, names and labels are valid, values are numbers and the
// file ends with a newline.
func parse(text string) (map[string][]sample, error) {
	if !strings.HasSuffix(text, "\n") {
		return nil, fmt.Errorf("no final newline")
	}
	fams := map[string][]sample{}
	var cur string
	typed := map[string]bool{}
	for i, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		err := func() error {
			if f, ok := strings.CutPrefix(line, "# HELP "); ok {
				name, help, _ := strings.Cut(f, " ")
				if _, seen := fams[name]; seen || !metricName.MatchString(name) || help == "" {
					return fmt.Errorf("bad or repeated HELP for %q", name)
				}
				cur, fams[name] = name, nil
				return nil
			}
			if f, ok := strings.CutPrefix(line, "# TYPE "); ok {
				if f != cur+" gauge" || typed[cur] {
					return fmt.Errorf("TYPE %q does not follow its HELP", f)
				}
				typed[cur] = true
				return nil
			}
			name, s, err := parseSample(line)
			if err != nil {
				return err
			}
			if name != cur || !typed[cur] {
				return fmt.Errorf("sample of %s outside its family", name)
			}
			fams[name] = append(fams[name], s)
			return nil
		}()
		if err != nil {
			return nil, fmt.Errorf("line %d %q: %v", i+1, line, err)
		}
	}
	return fams, nil
}

func parseSample(line string) (string, sample, error) {
	s := sample{labels: map[string]string{}}
	name, rest := line, ""
	if i := strings.IndexAny(line, "{ "); i >= 0 {
		name, rest = line[:i], line[i:]
	}
	if !metricName.MatchString(name) {
		return "", s, fmt.Errorf("bad metric name %q", name)
	}
	if strings.HasPrefix(rest, "{") {
		end := strings.Index(rest, "} ")
		if end < 0 {
			return "", s, fmt.Errorf("unterminated labels")
		}
		for _, pair := range splitLabels(rest[1:end]) {
			k, v, ok := strings.Cut(pair, "=")
			uq, err := strconv.Unquote(v)
			if !ok || !labelName.MatchString(k) || err != nil || strings.HasPrefix(k, "__") {
				return "", s, fmt.Errorf("bad label %q", pair)
			}
			if _, dup := s.labels[k]; dup {
				return "", s, fmt.Errorf("repeated label %q", k)
			}
			s.labels[k] = uq
		}
		rest = rest[end+1:]
	}
	v, err := strconv.ParseFloat(strings.TrimPrefix(rest, " "), 64)
	if err != nil || !strings.HasPrefix(rest, " ") || strings.Contains(rest[1:], " ") {
		return "", s, fmt.Errorf("bad value %q", rest)
	}
	s.value = v
	return name, s, nil
}

// splitLabels splits on the commas outside quoted values.
func splitLabels(s string) []string {
	var out []string
	start, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && quoted:
			i++
		case s[i] == '"':
			quoted = !quoted
		case s[i] == ',' && !quoted:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func TestFormatParses(t *testing.T) {
	fin := time.Date(2026, 3, 1, 10, 0, 0, 250e6, time.UTC)
	run := Run{
		Summary: &report.LastRunSummary{
			RunID: "abc123", Node: "mx1", Finished: fin, Duration: 1.5, ExitCode: 6,
			Source:  report.Source{ID: "0123abcd", Signer: `Ops "Key" \ team`, LastKnownGood: true},
			Summary: report.Summary{Total: 10, Changed: 2, Failed: 1, Skipped: 3, Unchanged: 4},
		},
		Disable:  &disable.State{Who: "ops", Reason: "migrating \"mx1\"\nback at 11", Since: fin.Add(-time.Hour), Until: fin.Add(time.Hour)},
		Interval: 45 * time.Minute,
	}
	text := string(Format(run))
	fams, err := parse(text)
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	want := map[string]float64{
		"tend_disabled": 1, "tend_disabled_until_timestamp_seconds": float64(fin.Add(time.Hour).Unix()),
		"tend_last_run_timestamp_seconds": 1772359200.25, "tend_last_run_duration_seconds": 1.5,
		"tend_last_run_exit_code": 6, "tend_last_run_stale_config": 1, "tend_last_run_info": 1,
		"tend_last_run_internal_error": 0, "tend_disabled_info": 1, "tend_agent_interval_seconds": 2700,
		"tend_disabled_since_timestamp_seconds": 1772355600.25,
	}
	for name, v := range want {
		if s := fams[name]; len(s) != 1 || s[0].value != v {
			t.Errorf("%s = %+v, want %v", name, s, v)
		}
	}
	run.Summary.InternalError, run.Summary.ExitCode = "internal error: tend exited 2 without finishing", report.ExitInternal
	if crashed, err := parse(string(Format(run))); err != nil || len(crashed["tend_last_run_internal_error"]) != 1 || crashed["tend_last_run_internal_error"][0].value != 1 {
		t.Errorf("a crashed run: tend_last_run_internal_error = %+v, %v", crashed["tend_last_run_internal_error"], err)
	}
	got := map[string]float64{}
	for _, s := range fams["tend_last_run_resources"] {
		got[s.labels["result"]] = s.value
	}
	if fmt.Sprint(got) != "map[changed:2 failed:1 skipped:3 total:10 unchanged:4]" {
		t.Errorf("resources %v", got)
	}
	if who := fams["tend_disabled_info"][0].labels; who["who"] != "ops" || who["reason"] != "migrating \"mx1\"\nback at 11" {
		t.Errorf("disabled info labels %v", who)
	}
	info := fams["tend_last_run_info"][0].labels
	if info["commit"] != "0123abcd" || info["node"] != "mx1" || info["signer"] != `Ops "Key" \ team` {
		t.Errorf("info labels %v", info)
	}
}

func TestDisabledAndSchedule(t *testing.T) {
	since := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		run  Run
		want []string // the families, sorted
	}{
		{"enabled, schedule unknown", Run{}, []string{"tend_disabled", "tend_last_run_unfinished", "tend_state_dir_writable"}},
		{"enabled on a schedule", Run{Interval: time.Hour},
			[]string{"tend_agent_interval_seconds", "tend_disabled", "tend_last_run_unfinished", "tend_state_dir_writable"}},
		{"disabled until enabled", Run{Disable: &disable.State{Who: "root", Reason: "r", Since: since}},
			[]string{"tend_disabled", "tend_disabled_info", "tend_disabled_since_timestamp_seconds", "tend_last_run_unfinished", "tend_state_dir_writable"}},
		{"disabled for an hour", Run{Disable: &disable.State{Who: "root", Reason: "r", Since: since, Until: since.Add(time.Hour)}},
			[]string{"tend_disabled", "tend_disabled_info", "tend_disabled_since_timestamp_seconds", "tend_disabled_until_timestamp_seconds", "tend_last_run_unfinished", "tend_state_dir_writable"}},
	} {
		fams, err := parse(string(Format(c.run)))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var got []string
		for name := range fams {
			got = append(got, name)
		}
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: families %v, want %v", c.name, got, c.want)
		}
	}
	long := strings.Repeat("x", 3*reasonBound)
	fams, err := parse(string(Format(Run{Disable: &disable.State{Who: "a\\b", Reason: long, Since: since}})))
	if err != nil {
		t.Fatal(err)
	}
	if l := fams["tend_disabled_info"][0].labels; l["who"] != "a\\b" || len(l["reason"]) > reasonBound+32 || !strings.HasPrefix(l["reason"], "xxx") {
		t.Errorf("labels of a long reason: who %q, reason of %d bytes", l["who"], len(l["reason"]))
	}
}

func TestNoRunYet(t *testing.T) {
	fams, err := parse(string(Format(Run{})))
	if err != nil {
		t.Fatal(err)
	}
	if len(fams) != 3 || fams["tend_disabled"][0].value != 0 || fams["tend_last_run_unfinished"][0].value != 0 || fams["tend_state_dir_writable"][0].value != 1 {
		t.Fatalf("families %v", fams)
	}
}

func TestParserRejects(t *testing.T) {
	for _, bad := range []string{
		"tend_x 1\n", // no HELP/TYPE
		"# HELP tend_x h\n# TYPE tend_x gauge\ntend_x{a=\"1\" 1\n", // unterminated
		"# HELP tend_x h\n# TYPE tend_x gauge\ntend_x{a=1} 1\n",    // unquoted
		"# HELP tend_x h\n# TYPE tend_x gauge\ntend_x one\n",
		"# HELP tend_x h\n# TYPE tend_x gauge\ntend_x 1",
	} {
		if _, err := parse(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestWriteReplacesAtomically(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tend.prom")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, Run{Disable: &disable.State{Who: "root", Reason: "r"}}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	fi, _ := os.Stat(path)
	entries, _ := os.ReadDir(dir)
	if !strings.Contains(string(b), "tend_disabled 1\n") || fi.Mode().Perm() != 0o644 || len(entries) != 1 {
		t.Fatalf("content %q, mode %v, %d entries", b, fi.Mode(), len(entries))
	}
	if err := Write(filepath.Join(dir, "missing", "tend.prom"), Run{}); err == nil {
		t.Fatal("write into a missing directory succeeded")
	}
}

func TestCollect(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	r, err := Collect(dir, now)
	if err != nil || r.Summary != nil || r.Disable != nil {
		t.Fatalf("empty state dir: %+v, %v", r, err)
	}
	rep := report.New(engine.Result{}, now, time.Second)
	rep.RunID, rep.Source.ID = "r1", "cafe"
	if _, err := report.Write(dir, rep, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := disable.Disable(dir, "testing", time.Hour, now); err != nil {
		t.Fatal(err)
	}
	r, err = Collect(dir, now)
	if err != nil || r.Summary == nil || r.Summary.Source.ID != "cafe" || r.Disable == nil || r.Disable.Reason != "testing" || r.Disable.Until.IsZero() {
		t.Fatalf("Collect = %+v, %v", r, err)
	}
	if r, _ := Collect(dir, now.Add(2*time.Hour)); r.Disable != nil {
		t.Fatal("an expired disable counted")
	}
	if r.Unfinished || r.Unwritable {
		t.Fatalf("a state directory with no run marker: %+v", r)
	}
	l, err := runlock.Acquire(dir, "tend apply")
	if err != nil {
		t.Fatal(err)
	}
	l.Release() // without Finish: the run never recorded its result
	if r, _ = Collect(dir, now); !r.Unfinished {
		t.Fatal("a run that never finished is not reported")
	}
	if !strings.Contains(string(Format(r)), "tend_last_run_unfinished 1\n") {
		t.Fatalf("metrics:\n%s", Format(r))
	}
}
