package exec

import (
	"context"
	"fmt"
	"slices"

	"github.com/tendhq/tend/resources"
)

// resource is one configured exec. The engine calls it from one goroutine
// at a time; output is the only thing that changes after New.
type resource struct {
	settings
	output string
}

var (
	_ resources.Refresher = (*resource)(nil)
	_ resources.Outputter = (*resource)(nil)
)

// Read evaluates the guards. It runs unless and onlyif, which is why they
// must be free of side effects; a refresh_only exec evaluates nothing here
// because it never runs on its own.
func (r *resource) Read(ctx context.Context) (resources.State, error) {
	if r.refreshOnly {
		return resources.State{"guard": guardRefreshOnly, "why": "runs only when notified"}, nil
	}
	v, err := r.checkGuards(ctx)
	if err != nil {
		return nil, err
	}
	guard := guardSkip
	if v.run {
		guard = guardRun
	}
	return resources.State{"guard": guard, "why": v.why}, nil
}

// Plan turns the guards' verdict into a Change: Create when the command
// will run, NoOp otherwise.
func (r *resource) Plan(ctx context.Context, observed resources.State) (resources.Change, error) {
	if r.refreshOnly {
		return resources.Change{Action: resources.NoOp, Reason: "refresh_only: runs only when notified"}, nil
	}
	why := observed["why"]
	switch observed["guard"] {
	case guardSkip:
		return resources.Change{Action: resources.NoOp, Reason: "command will not run (" + why + ")"}, nil
	case guardRun:
		return resources.Change{
			Action: resources.Create,
			Reason: "command will run (" + why + ")",
			Attrs:  []resources.AttrChange{resources.NewAttrChange("command", "", r.command, r.secret)},
		}, nil
	}
	return resources.Change{}, fmt.Errorf("observed state has no guard verdict (guard %q)", observed["guard"])
}

// Apply runs the command. The guards are not evaluated again: Plan already
// did, and Apply carries out what it said.
func (r *resource) Apply(ctx context.Context, c resources.Change) error {
	r.output = ""
	if c.Action != resources.Create {
		return fmt.Errorf("exec cannot apply a %s change", c.Action)
	}
	return r.execute(ctx)
}

// Verify has nothing to check: the exit code already said whether the
// command succeeded, and what it changed is known only to the command.
func (r *resource) Verify(ctx context.Context) error { return nil }

// Refresh runs the command when notified, whether or not it is
// refresh_only. All guards are evaluated first, as they would be for an
// unnotified run, so a notification cannot make a guarded command run
// when its work is done.
func (r *resource) Refresh(ctx context.Context) error {
	r.output = ""
	v, err := r.checkGuards(ctx)
	if err != nil {
		return err
	}
	if !v.run {
		r.output = "not run: " + v.why
		return nil
	}
	return r.execute(ctx)
}

// Output is the tail of the last run's combined output, or why a refresh
// did not run the command.
func (r *resource) Output() string { return r.output }

// execute runs the command and judges its exit code.
func (r *resource) execute(ctx context.Context) error {
	out := newTailBuffer(outputLimit)
	e, err := r.run(ctx, r.command, out)
	r.output = r.reportOutput(out)
	if err != nil {
		return fmt.Errorf("command %w%s", err, r.errorTail(out))
	}
	if slices.Contains(r.returns, e.code) {
		return nil
	}
	expected := ""
	if !slices.Equal(r.returns, []int{0}) {
		expected = fmt.Sprintf(" (returns %v)", r.returns)
	}
	return fmt.Errorf("command %s%s%s", e.text, expected, r.errorTail(out))
}

// reportOutput is the output kept for the run report. A sensitive
// command's output may echo its secrets, so only its size is told.
func (r *resource) reportOutput(out *tailBuffer) string {
	if r.secret && out.Total() > 0 {
		return fmt.Sprintf("(%d bytes of output not shown: the command is sensitive)", out.Total())
	}
	return out.Text(outputLimit)
}

// errorTail is the end of the output, for an error message.
func (r *resource) errorTail(out *tailBuffer) string {
	switch {
	case out.Total() == 0:
		return " (no output)"
	case r.secret:
		return fmt.Sprintf(" (%d bytes of output not shown: the command is sensitive)", out.Total())
	}
	return "; output ends with:\n" + out.Text(errorTailLimit)
}
