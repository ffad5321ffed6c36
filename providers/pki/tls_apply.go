package pki

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/tendhq/tend/providers/managedfile"
	"github.com/tendhq/tend/resources"
)

// Apply checks the pair again, looks at the host again, and replaces both
// files. If the host moved since the plan so that another action is now
// needed, it refuses rather than do something nobody reviewed.
func (r *tlsCertificate) Apply(ctx context.Context, c resources.Change) error {
	st, err := r.Read(ctx)
	if err != nil {
		return err
	}
	now, err := r.Plan(ctx, st)
	if err != nil || now.Action == resources.NoOp {
		return err
	}
	if now.Action != c.Action {
		return fmt.Errorf("%s changed since it was planned: the plan said %s, now it needs %s (%s)", r.spec.keyFile.path, c.Action, now.Action, now.Reason)
	}
	return managedfile.Install(r.managed(r.spec.keyFile, true), r.managed(r.spec.chainFile, false))
}

// managed is one of the pair as the managed-file component writes it.
// Install puts the key and then the chain in place, and puts the previous
// key back should the chain's rename fail, so the pair is replaced
// together or not at all; a run killed between the two renames leaves the
// new key beside the old chain, which the next plan sees and repairs.
func (r *tlsCertificate) managed(t tlsTarget, secret bool) *managedfile.File {
	return managedfile.New(r.env, managedfile.Spec{Path: t.path, Content: t.data, Owner: t.owner, Group: t.group, Mode: t.mode, Sensitive: secret})
}

// Verify reads both files again and plans: anything left to do is a
// failure.
func (r *tlsCertificate) Verify(ctx context.Context) error {
	return resources.Converged(ctx, r, "the certificate at "+r.spec.chainFile.path)
}

// TempDirs are the key's and the chain's directories, where they are
// staged.
func (r *tlsCertificate) TempDirs() []string {
	return []string{filepath.Dir(r.spec.keyFile.path), filepath.Dir(r.spec.chainFile.path)}
}

// Sweep removes what killed runs left in dir (resources.Sweeper).
func (r *tlsCertificate) Sweep(dir string) (int, error) { return managedfile.SweepDir(r.env, dir) }
