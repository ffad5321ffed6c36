package resources

import (
	"context"
	"fmt"
	"strings"
)

// Converged is the usual Verify: Read and Plan again, and anything still
// to do means the host did not take the change. The error names what
// differs, as the plan would (sensitive values stay masked); what names
// the managed thing.
func Converged(ctx context.Context, r Resource, what string) error {
	st, err := r.Read(ctx)
	if err != nil {
		return err
	}
	c, err := r.Plan(ctx, st)
	if err != nil || c.Action == NoOp {
		return err
	}
	parts := []string{fmt.Sprintf("%s still differs after apply (%s)", what, c.Reason)}
	for _, a := range c.Attrs {
		parts = append(parts, fmt.Sprintf("%s %q, want %q", a.Name, a.Old, a.New))
	}
	if c.Content != nil {
		parts = append(parts, "content")
	}
	return fmt.Errorf("%s", strings.Join(parts, "; "))
}
