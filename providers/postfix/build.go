package postfix

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/tendhq/tend/providers/managedfile"
	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/atomicfile"
)

// Apply builds the table (or checks the source, for types that build
// nothing) when that is still needed: a table brought up to date since the
// plan is left alone.
func (r *postfixMap) Apply(ctx context.Context, c resources.Change) error {
	r.output = ""
	st, err := r.Read(ctx)
	if err != nil {
		return err
	}
	now, err := r.Plan(ctx, st)
	if err != nil || now.Action == resources.NoOp {
		return err
	}
	return r.build(ctx)
}

// Refresh rebuilds the table when notified, whether or not the source
// changed, except right after this run's own Apply built it from the same
// content: that table is the one a rebuild would make.
func (r *postfixMap) Refresh(ctx context.Context) error {
	if r.builtSum != "" {
		src, err := readSource(r.env, r.path)
		if err != nil {
			return err
		}
		if src != nil && src.sum == r.builtSum && r.tableExists() {
			// Apply's output stays: the report keeps only the last call's.
			r.note("built from this source earlier in this run; not built again")
			return nil
		}
	}
	r.output = ""
	return r.build(ctx)
}

func (r *postfixMap) tableExists() bool {
	if !r.builds() {
		return true
	}
	fi, err := managedfile.Lstat(r.env, r.path+r.suffix)
	return err == nil && fi.Mode().IsRegular()
}

// build makes the live table match the source as it is now, then records
// the content it was built from.
func (r *postfixMap) build(ctx context.Context) error {
	if r.record == "" {
		return errors.New("no state directory is configured: postfix_map records there what each table was built from")
	}
	// Building beside a source reached through a symlinked directory
	// would put the table wherever the link points.
	if missing, err := managedfile.CheckParents(r.env, r.path); err != nil || missing != "" {
		if err == nil {
			err = fmt.Errorf("directory %s does not exist", missing)
		}
		return err
	}
	src, err := readSource(r.env, r.path)
	if err != nil {
		return err
	}
	if src == nil {
		return fmt.Errorf("source %s does not exist", r.path)
	}
	conf, cleanup, err := r.configDir()
	if err != nil {
		return err
	}
	defer cleanup()
	if r.builds() {
		err = r.buildTable(ctx, conf, src)
	} else {
		err = r.checkLookup(ctx, conf, r.source, r.checkKeyFor(src.content))
	}
	if err != nil {
		return err
	}
	r.builtSum = src.sum
	return saveRecord(r.record, record{
		Path: r.path, Type: r.typ, Tool: r.tool(),
		SourceSHA256: src.sum, Built: time.Now().UTC(),
	})
}

// buildTable builds a copy of the source beside the live table, checks a
// lookup in the new table, and renames it over the live one. postmap
// rewrites a table in place, so building the live name would let Postfix
// read a half-built table; a rename swaps whole files, and Postfix daemons
// holding the old one notice its link count drop to zero and restart.
// The copy is made, and the built table renamed, in a handle on the
// source's directory opened from the root without following symlinks;
// postmap itself takes a path, which the final rename does not trust.
func (r *postfixMap) buildTable(ctx context.Context, conf string, src *sourceFile) error {
	d, err := atomicfile.OpenDir(r.env.Root, filepath.Dir(r.path))
	if err != nil {
		return err
	}
	defer d.Close()
	copied, err := copySource(d, filepath.Base(r.path), src)
	if err != nil {
		return err
	}
	defer copied.Abort()
	tmp := copied.Path()
	built, live := filepath.Base(tmp)+r.suffix, false
	defer func() {
		if !live {
			d.Remove(built)
		}
	}()
	t := r.toolFor(conf)
	res, err := runTool(ctx, t, "-c", t.path(conf), r.typ+":"+t.path(tmp))
	r.keep(res.stderr, t.path(tmp))
	if err != nil {
		return err
	}
	if res.code != 0 {
		return fmt.Errorf("%s exited %d, the live table is untouched: %s", r.tool(), res.code, r.readable(res.stderr, t.path(tmp)))
	}
	if err := r.checkLookup(ctx, conf, tmp, r.checkKeyFor(src.content)); err != nil {
		return fmt.Errorf("%w; the live table is untouched", err)
	}
	if err := syncFile(d, built); err != nil {
		return err
	}
	if err := d.Rename(built, filepath.Base(r.path)+r.suffix); err != nil {
		return err
	}
	live = true
	return d.Sync()
}

// copySource stages the source content Read hashed beside it (a temporary
// file atomicfile names), with the source's owner and mode: postmap builds
// the table as the source's owner and gives it the source's mode, so the
// table ends up as a build of the live source by hand would leave it.
func copySource(d *atomicfile.Dir, name string, src *sourceFile) (*atomicfile.Staged, error) {
	opts := atomicfile.Options{Mode: src.info.Mode().Perm()}
	if uid, gid := ownerOf(src.info); os.Geteuid() == 0 {
		opts.Owner = atomicfile.OwnedBy(uid, gid)
	}
	s, err := d.Stage(name, src.content, opts)
	if err != nil {
		return nil, fmt.Errorf("copying the source to build from: %w", err)
	}
	return s, nil
}

// syncFile makes a built table durable before it is renamed into place.
func syncFile(d *atomicfile.Dir, name string) error {
	f, err := d.Open(name)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// ownerOf is a file's owner and group; -1 when the system does not say.
func ownerOf(fi fs.FileInfo) (uid, gid int) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid), int(st.Gid)
	}
	return -1, -1
}

// TempDirs is the source's directory, where the copy is built.
func (r *postfixMap) TempDirs() []string { return []string{filepath.Dir(r.path)} }

// Sweep removes what killed runs left in dir (resources.Sweeper).
func (r *postfixMap) Sweep(dir string) (int, error) { return managedfile.SweepDir(r.env, dir) }
