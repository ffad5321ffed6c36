package debian

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/tendhq/tend/resources"
)

// policyRC stops maintainer scripts from starting services in a root
// that is not running (invoke-rc.d and deb-systemd-invoke obey it).
const policyRC = "#!/bin/sh\n# Written by tend for the length of one apt transaction in this root; removed after it.\nexit 101\n"

// transaction carries out one batch of package changes: a lists refresh
// when some package needs it, the debconf answers, and one apt-get
// install that installs and removes everything.
type transaction struct {
	sys      *system
	stateDir string
	ops      []op
	// refreshed says apt-get update ran and succeeded.
	refreshed bool
	item      map[*pkg]int // the item index of each op's package
	errs      []error
	out       *tail
	timeout   time.Duration // the longest lock wait any package allows
}

// ApplyBatch installs and removes every item's package in one apt
// transaction. Packages apt rejects by name (unknown even after a lists
// refresh, unmet dependencies) fail alone and the others are tried again
// without them; when the transaction fails otherwise, every package that
// did not end up as configured fails with apt's error.
func (p *pkg) ApplyBatch(ctx context.Context, items []resources.BatchItem) []error {
	tx := &transaction{sys: p.sys, stateDir: p.stateDir, item: map[*pkg]int{}, errs: make([]error, len(items)), out: newTail(outputLimit)}
	for k, it := range items {
		q, ok := it.Resource.(*pkg)
		if !ok || q.sys != p.sys {
			tx.errs[k] = errNotPackage
			continue
		}
		in, err := resources.IntentOf[pkgIntent](it.Change)
		if err != nil {
			tx.errs[k] = fmt.Errorf("package %s: %w", q.name, err)
			continue
		}
		switch it.Change.Action {
		case resources.Create, resources.Update, resources.Delete:
			tx.ops = append(tx.ops, op{p: q, remove: it.Change.Action == resources.Delete, refresh: in.refresh})
			tx.item[q] = k
			tx.timeout = max(tx.timeout, q.lockTimeout)
		default:
			tx.errs[k] = fmt.Errorf("a package cannot apply a %s change", it.Change.Action)
		}
	}
	defer p.sys.invalidate()
	tx.run(ctx)
	tx.report(items)
	return tx.errs
}

func (tx *transaction) run(ctx context.Context) {
	var listsErr error
	if tx.needsLists() {
		listsErr = tx.refreshLists(ctx)
		if listsErr == nil {
			tx.refreshed = true
			tx.forgetStale()
		}
	}
	tx.preseed(ctx)
	if len(tx.ops) == 0 {
		return
	}
	restore, err := tx.blockServices()
	if err != nil {
		tx.fail(err)
		return
	}
	defer restore()
	tx.install(ctx, listsErr)
}

// needsLists says whether apt-get update runs first: a package's plan
// asked for it, or an APT source changed since the lists were refreshed
// (in this run, or in one that stopped before its transaction).
func (tx *transaction) needsLists() bool {
	if len(tx.ops) == 0 {
		return false
	}
	for _, o := range tx.ops {
		if o.refresh {
			return true
		}
	}
	stale, err := staleSources(tx.stateDir)
	if err != nil {
		fmt.Fprintf(tx.out, "%v: refreshing the package lists to be safe\n", err)
		return true
	}
	return len(stale) > 0
}

// forgetStale removes the record of changed sources once the lists are
// fresh; failing to is told in the output, and only costs another update.
func (tx *transaction) forgetStale() {
	if err := clearListsStale(tx.stateDir); err != nil {
		fmt.Fprintf(tx.out, "%v\n", err)
	}
}

// lockOption makes apt wait for a held dpkg lock, up to the timeout.
func (tx *transaction) lockOption() []string {
	return []string{"-o", "DPkg::Lock::Timeout=" + strconv.Itoa(int(tx.timeout/time.Second))}
}

// refreshLists runs apt-get update. Its failure is kept for the packages
// that needed it; the others do not depend on it. apt-get exits 0 when
// it could not fetch some lists, and only warns.
func (tx *transaction) refreshLists(ctx context.Context) error {
	argv := append([]string{"apt-get", "update", "-q"}, tx.lockOption()...)
	res, err := tx.run1(ctx, command{argv: argv, chroot: true})
	if err != nil {
		return err
	}
	var complaints []string
	for line := range strings.Lines(res.text()) {
		if strings.HasPrefix(line, "E: ") || strings.HasPrefix(line, "W: ") && strings.Contains(line, "ailed") {
			complaints = append(complaints, strings.TrimSpace(line))
		}
	}
	if res.code != 0 || len(complaints) > 0 {
		return fmt.Errorf("apt-get update exited %d:\n%s", res.code, strings.Join(complaints, "\n"))
	}
	return nil
}

// preseed feeds every debconf answer to one debconf-set-selections call.
// If it fails, the packages with answers fail: installing them without
// their answers would configure them wrongly.
func (tx *transaction) preseed(ctx context.Context) {
	var in strings.Builder
	for _, o := range tx.ops {
		in.WriteString(o.p.selections())
	}
	if in.Len() == 0 {
		return
	}
	err := tx.setSelections(ctx, in.String())
	if err == nil {
		return
	}
	var rest []op
	for _, o := range tx.ops {
		if len(o.p.answers) > 0 {
			tx.errs[tx.item[o.p]] = err
		} else {
			rest = append(rest, o)
		}
	}
	tx.ops = rest
}

// setSelections runs debconf-set-selections, waiting up to the lock
// timeout while a running debconf frontend holds its database.
func (tx *transaction) setSelections(ctx context.Context, in string) error {
	deadline := time.Now().Add(tx.timeout)
	for {
		res, err := tx.run1(ctx, command{argv: []string{"debconf-set-selections"}, stdin: in, chroot: true})
		switch {
		case err != nil:
			return err
		case res.code == 0:
			return nil
		case !strings.Contains(res.stderr, "is locked by another process") || time.Now().After(deadline):
			return fmt.Errorf("debconf-set-selections exited %d: %s", res.code, strings.TrimSpace(res.stderr))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// blockServices puts a policy-rc.d that forbids starting services into a
// root that is not the host's, unless it has one already; restore removes
// it again.
func (tx *transaction) blockServices() (restore func(), err error) {
	if isHostRoot(tx.sys.root) {
		return func() {}, nil
	}
	path := filepath.Join(tx.sys.root, "usr/sbin/policy-rc.d")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if errors.Is(err, fs.ErrExist) {
		return func() {}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("keeping services in the root from starting: %w", err)
	}
	_, err = f.WriteString(policyRC)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("keeping services in the root from starting: %w", err)
	}
	return func() { os.Remove(path) }, nil
}

// installArgs is the one apt-get call of the transaction: no questions,
// local changes to configuration files kept, a bounded wait for the lock.
func (tx *transaction) installArgs() []string {
	argv := []string{"apt-get", "install", "-y", "-q",
		"-o", "Dpkg::Use-Pty=0", "-o", "APT::Status-Fd=" + statusFd,
		"-o", "Dpkg::Options::=--force-confdef", "-o", "Dpkg::Options::=--force-confold"}
	argv = append(argv, tx.lockOption()...)
	argv = append(argv, transactionOptions(tx.ops)...)
	return append(argv, argsOf(tx.ops)...)
}

// install runs apt-get install until it succeeds, fails as a whole, or
// has nothing left after setting aside the packages it rejected by name.
func (tx *transaction) install(ctx context.Context, listsErr error) {
	for len(tx.ops) > 0 {
		res, err := tx.run1(ctx, command{argv: tx.installArgs(), chroot: true, status: true})
		if err != nil {
			tx.failRest(ctx, err)
			return
		}
		if res.code == 0 {
			return
		}
		text := res.text()
		if err := lockError(tx.sys.root, text, tx.timeout); err != nil {
			tx.fail(err) // apt changed nothing
			return
		}
		if !tx.setAside(text, listsErr) {
			tx.failRest(ctx, fmt.Errorf("apt-get install exited %d:\n%s", res.code, errorLines(text)))
			return
		}
	}
}

// setAside fails the packages apt rejected by name and keeps the others
// for another try; it reports whether it set any aside.
func (tx *transaction) setAside(text string, listsErr error) bool {
	unknown, unmet := rejected(text, text)
	why := errorLines(text)
	var rest []op
	native := tx.native()
	for _, o := range tx.ops {
		switch {
		case matches(o, unknown, native):
			tx.errs[tx.item[o.p]] = unknownError(o.p, why, listsErr, tx.refreshed)
		case matches(o, unmet, native):
			tx.errs[tx.item[o.p]] = fmt.Errorf("apt cannot %s %s:\n%s", verb(o.remove), o.p.name, why)
		default:
			rest = append(rest, o)
		}
	}
	changed := len(rest) < len(tx.ops)
	tx.ops = rest
	return changed
}

func unknownError(p *pkg, why string, listsErr error, refreshed bool) error {
	switch {
	case listsErr != nil:
		return fmt.Errorf("apt does not know %s, and refreshing the package lists failed: %v\n%s", p.wanted(), listsErr, why)
	case refreshed:
		return fmt.Errorf("apt does not know %s, even after apt-get update:\n%s", p.wanted(), why)
	}
	return fmt.Errorf("apt does not know %s:\n%s", p.wanted(), why)
}

func (tx *transaction) native() string {
	tx.sys.mu.Lock()
	defer tx.sys.mu.Unlock()
	if tx.sys.snap != nil {
		return tx.sys.snap.native
	}
	return ""
}

// fail fails the remaining packages with err.
func (tx *transaction) fail(err error) {
	for _, o := range tx.ops {
		tx.errs[tx.item[o.p]] = err
	}
	tx.ops = nil
}

// failRest fails the remaining packages with err, except those dpkg shows
// as configured after all: a transaction that failed late may have
// installed some of its packages.
func (tx *transaction) failRest(ctx context.Context, err error) {
	for _, o := range tx.ops {
		tx.errs[tx.item[o.p]] = err
		if ctx.Err() != nil {
			continue
		}
		if e, qerr := o.p.lookupFresh(ctx); qerr == nil && e.trouble() == "" {
			if change, _ := o.p.needsChange(e); !change {
				tx.errs[tx.item[o.p]] = nil
			}
		}
	}
	tx.ops = nil
}

// run1 runs one command of the transaction, its command line and output
// going to the transaction's output.
func (tx *transaction) run1(ctx context.Context, c command) (result, error) {
	fmt.Fprintf(tx.out, "$ %s\n", strings.Join(c.argv, " "))
	c.out = io.MultiWriter(tx.out, &lineTeller{ctx: ctx})
	return run(ctx, tx.sys.root, c)
}

// report gives the transaction's output to its first package and points
// the others to it.
func (tx *transaction) report(items []resources.BatchItem) {
	first := ""
	for _, it := range items {
		q, ok := it.Resource.(*pkg)
		if !ok {
			continue
		}
		if first == "" {
			first = q.addr
			q.output = tx.out.Text(outputLimit)
			continue
		}
		q.output = "(the apt transaction's output is reported with " + first + ")"
	}
}
