package postfix

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"

	"github.com/tendhq/tend/providers/managedfile"
	"github.com/tendhq/tend/resources"
)

// postfixMap is one bound postfix_map resource. The engine calls it from
// one goroutine at a time.
type postfixMap struct {
	spec
	env resources.Env
	// source is the source under the run's root, for the lookup check of
	// types that build nothing (postmap -q takes a path).
	source string
	// record is the build record's path; "" without a state directory.
	record string
	output string
	// builtSum is the source digest this instance's Apply built from, so
	// a refresh in the same run does not build the same table twice.
	builtSum string
}

var (
	_ resources.Refresher = (*postfixMap)(nil)
	_ resources.Outputter = (*postfixMap)(nil)
)

func newMap(s spec, env resources.Env) *postfixMap {
	r := &postfixMap{spec: s, env: env, source: env.Path(s.path)}
	if env.StateDir != "" {
		r.record = recordPath(env.StateDir, s)
	}
	return r
}

// sourceFile is the source as one read saw it.
type sourceFile struct {
	content []byte
	sum     string
	info    fs.FileInfo
}

// readSource reads the source through one descriptor that did not follow a
// symlink (files.ReadRegular). A missing source is (nil, nil).
func readSource(env resources.Env, path string) (*sourceFile, error) {
	b, fi, err := managedfile.ReadRegular(env, path, 0)
	if err != nil || fi == nil {
		return nil, err
	}
	sum := sha256.Sum256(b)
	return &sourceFile{content: b, sum: hex.EncodeToString(sum[:]), info: fi}, nil
}

// Read hashes the source, looks for the built table and loads the build
// record. It changes nothing.
func (r *postfixMap) Read(ctx context.Context) (resources.State, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	src, err := readSource(r.env, r.path)
	if err != nil {
		return nil, err
	}
	st := resources.State{"source": "absent"}
	if src != nil {
		st["source"], st["source_sha256"] = "file", src.sum
	}
	var rec *record
	if r.record != "" {
		rec, err = loadRecord(r.record)
		switch {
		case errors.Is(err, errDamagedRecord):
			st["record"] = "damaged"
		case err != nil:
			return nil, err
		}
	}
	if rec != nil {
		st["built_sha256"], st["built_as"] = rec.SourceSHA256, builtAs(rec.Type, rec.Tool)
	}
	if !r.builds() {
		return st, nil
	}
	return st, r.readTable(st, src, rec == nil)
}

// readTable records whether the table exists and, for a table tend has no
// record of (built by hand), whether it is older than its source.
func (r *postfixMap) readTable(st resources.State, src *sourceFile, noRecord bool) error {
	fi, err := managedfile.Lstat(r.env, r.path+r.suffix)
	if errors.Is(err, fs.ErrNotExist) {
		st["table"] = "absent"
		return nil
	}
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("table %s is not a regular file", r.path+r.suffix)
	}
	st["table"] = "present"
	if noRecord && src != nil && fi.ModTime().Before(src.info.ModTime()) {
		st["table_older_than_source"] = "true"
	}
	return nil
}

func builtAs(typ, tool string) string { return typ + " by " + tool }

// Plan says whether the table must be built, from what Read observed. A
// source that does not exist is listed in MissingPaths: the engine
// accepts it when a resource this one depends on writes it.
func (r *postfixMap) Plan(ctx context.Context, st resources.State) (resources.Change, error) {
	c := r.plan(st)
	if st["source"] == "absent" {
		missing, err := managedfile.CheckParents(r.env, r.path)
		if err != nil {
			return resources.Change{}, err
		}
		c.MissingPaths = []resources.PathNeed{{Path: r.path, Outermost: missing}}
	}
	return c, nil
}

func (r *postfixMap) plan(st resources.State) resources.Change {
	if !r.builds() {
		return r.planChecked(st)
	}
	name := r.path + r.suffix
	want := builtAs(r.typ, r.tool())
	switch {
	case st["table"] == "absent" && st["source"] == "absent":
		return change(resources.Create, "%s does not exist, nor does its source %s yet", name, r.path)
	case st["table"] == "absent":
		return change(resources.Create, "%s does not exist", name)
	case st["source"] == "absent":
		return change(resources.Update, "source %s does not exist", r.path)
	case st["record"] == "damaged":
		return change(resources.Update, "the build record of %s is damaged; rebuilding writes a good one", name)
	case st["built_as"] != "" && st["built_as"] != want:
		return change(resources.Update, "the table was built as %s, want %s", st["built_as"], want)
	case st["built_sha256"] != "" && st["built_sha256"] != st["source_sha256"]:
		return change(resources.Update, "source changed since the table was built, sha256 %s → %s",
			short(st["built_sha256"]), short(st["source_sha256"]))
	case st["built_sha256"] == "" && st["table_older_than_source"] == "true":
		return change(resources.Update, "%s is older than its source and tend has no record of building it", name)
	}
	return change(resources.NoOp, "%s is up to date, source sha256 %s", name, short(st["source_sha256"]))
}

// planChecked plans a type Postfix reads from the source itself: a source
// that changed since its last successful check is checked again, and that
// counts as a change so that a notified service reloads Postfix.
func (r *postfixMap) planChecked(st resources.State) resources.Change {
	want := builtAs(r.typ, r.tool())
	switch {
	case st["source"] == "absent":
		return change(resources.Create, "source %s does not exist yet", r.path)
	case st["record"] == "damaged":
		return change(resources.Update, "the check record of %s is damaged; checking again writes a good one", r.path)
	case st["built_sha256"] == "" || st["built_as"] != want:
		return change(resources.Create, "%s has not been checked as %s yet", r.path, want)
	case st["built_sha256"] != st["source_sha256"]:
		return change(resources.Update, "source changed since it was last checked, sha256 %s → %s",
			short(st["built_sha256"]), short(st["source_sha256"]))
	}
	return change(resources.NoOp, "%s was checked as it is, sha256 %s", r.path, short(st["source_sha256"]))
}

func change(a resources.Action, format string, args ...any) resources.Change {
	return resources.Change{Action: a, Reason: fmt.Sprintf(format, args...)}
}

// short abbreviates a digest for reasons.
func short(sum string) string {
	if len(sum) > 12 {
		return sum[:12]
	}
	return sum
}

// Verify reads and plans again: after Apply, anything left to do means the
// table did not take the change.
func (r *postfixMap) Verify(ctx context.Context) error {
	return resources.Converged(ctx, r, "table of "+r.path)
}

// Output is what postmap and postalias printed on stderr in the last Apply
// or Refresh (warnings such as duplicate keys), with notes from tend.
// Lookup results are never kept: a table may map keys to secrets.
func (r *postfixMap) Output() string { return r.output }
