package postfix

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/tendhq/tend/providers/files"
	"github.com/tendhq/tend/providers/files/atomicfile"
	"github.com/tendhq/tend/resources"
)

// tempMarker is in the names of the temporary source copies and the tables
// built from them, so leftovers of a killed run can be recognized.
const tempMarker = ".tend-map-"

// staleAfter is the age past which a temporary left beside a table belongs
// to a dead run: no build takes that long (see toolTimeout).
const staleAfter = time.Hour

// maxBase bounds the source's name inside temporary names, so they stay
// under NAME_MAX with their prefix and suffixes.
const maxBase = 200

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
		src, err := readSource(r.source)
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
	fi, err := os.Lstat(r.table)
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
	if missing, err := files.CheckParents(r.env, r.path); err != nil || missing != "" {
		if err == nil {
			err = fmt.Errorf("directory %s does not exist", missing)
		}
		return err
	}
	src, err := readSource(r.source)
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
func (r *postfixMap) buildTable(ctx context.Context, conf string, src *sourceFile) error {
	removeStale(r.source)
	tmp, err := copySource(r.source, src)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	built, live := tmp+r.suffix, false
	defer func() {
		if !live {
			os.Remove(built)
		}
	}()
	res, err := runTool(ctx, r.tool(), "-c", conf, r.typ+":"+tmp)
	r.keep(res.stderr, tmp)
	if err != nil {
		return err
	}
	if res.code != 0 {
		return fmt.Errorf("%s exited %d, the live table is untouched: %s", r.tool(), res.code, r.readable(res.stderr, tmp))
	}
	if err := r.checkLookup(ctx, conf, tmp, r.checkKeyFor(src.content)); err != nil {
		return fmt.Errorf("%w; the live table is untouched", err)
	}
	if err := syncFile(built); err != nil {
		return err
	}
	if err := os.Rename(built, r.table); err != nil {
		return err
	}
	live = true
	return atomicfile.SyncDir(filepath.Dir(r.table))
}

// copySource writes the source content Read hashed to a new file beside
// it, with the source's owner and mode: postmap builds the table as the
// source's owner and gives it the source's mode, so the table ends up as a
// build of the live source by hand would leave it.
func copySource(source string, src *sourceFile) (path string, err error) {
	dir, base := filepath.Split(source)
	if len(base) > maxBase {
		base = base[:maxBase]
	}
	f, err := os.CreateTemp(dir, "."+base+tempMarker+"*")
	if err != nil {
		return "", fmt.Errorf("create a copy of %s to build from: %w", source, err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = cerr
		}
		if err != nil {
			os.Remove(f.Name())
		}
	}()
	if _, err := f.Write(src.content); err != nil {
		return "", err
	}
	if uid, gid := ownerOf(src.info); os.Geteuid() == 0 {
		if err := f.Chown(uid, gid); err != nil {
			return "", err
		}
	}
	if err := f.Chmod(src.info.Mode().Perm()); err != nil {
		return "", err
	}
	return f.Name(), nil
}

// removeStale deletes temporaries that runs killed mid-build left beside
// the table. Failing to is not worth failing a build for.
func removeStale(source string) {
	dir, base := filepath.Split(source)
	if len(base) > maxBase {
		base = base[:maxBase]
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		if !e.Type().IsRegular() || !strings.HasPrefix(e.Name(), "."+base+tempMarker) {
			continue
		}
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > staleAfter {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// syncFile makes a file's content durable before it is renamed into place.
func syncFile(path string) error {
	f, err := os.Open(path)
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
