package systemd

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/tendhq/tend/resources"
)

// service is one bound service resource. The engine calls it from one
// goroutine at a time.
type service struct {
	spec
	// root is the tree to manage offline, or "" for the running system.
	root string
	// started is set when this run's Apply started the unit: a refresh
	// after that would only repeat what the start just did.
	started bool
	// live is set when the latest Refresh acted on the running unit.
	live   bool
	output string
}

var (
	_ resources.Refresher = (*service)(nil)
	_ resources.Outputter = (*service)(nil)
	_ resources.Liveness  = (*service)(nil)
	_ resources.Recoverer = (*service)(nil)
)

func newService(s spec, env resources.Env) *service {
	r := &service{spec: s}
	if env.Root != "" && env.Root != "/" {
		r.root = env.Root
	}
	return r
}

// Read asks systemd about the unit, or, offline, systemctl --root about
// its unit files. It changes nothing.
func (r *service) Read(ctx context.Context) (resources.State, error) {
	if r.root != "" {
		o, err := r.observeOffline(ctx)
		return o.state(), err
	}
	c, err := connect(ctx)
	if err != nil {
		return nil, err
	}
	o, err := observe(ctx, c, r.unit)
	return o.state(), err
}

// state is what a plan records. The main PID and whether the unit can
// reload are left out: they move without anything to converge, and would
// only make saved plans stale.
func (o observation) state() resources.State {
	st := resources.State{"load": o.load, "enabled": o.file, "masked": strconv.FormatBool(o.masked())}
	if o.active != "" {
		st["active"], st["sub"] = o.active, o.sub
	}
	if o.needReload {
		st["need_daemon_reload"] = "true"
	}
	return st
}

func fromState(st resources.State) observation {
	return observation{load: st["load"], active: st["active"], sub: st["sub"], file: st["enabled"],
		needReload: st["need_daemon_reload"] == "true"}
}

// Plan compares the configuration with the observed unit. A unit that is
// not found yet is planned as a creation: its package or unit file may be
// applied earlier in the same run; Apply fails if it is still missing.
func (r *service) Plan(ctx context.Context, st resources.State) (resources.Change, error) {
	if err := ctx.Err(); err != nil {
		return resources.Change{}, err
	}
	o := fromState(st)
	if o.load == "not-found" {
		return r.planMissing(), nil
	}
	p := &planner{}
	if o.needReload {
		p.reasons = append(p.reasons, "unit file changed on disk (daemon-reload first)")
	}
	masked := o.masked()
	if r.masked != nil && *r.masked != masked {
		p.add("masked", strconv.FormatBool(masked), strconv.FormatBool(*r.masked), "")
		masked = *r.masked
	}
	if err := r.planEnable(p, o, masked); err != nil {
		return resources.Change{}, err
	}
	if err := r.planEnsure(p, o, masked); err != nil {
		return resources.Change{}, err
	}
	return p.change(), nil
}

// planner collects a plan's attribute changes and reasons.
type planner struct {
	attrs   []resources.AttrChange
	reasons []string
	// notes explain without changing anything.
	notes []string
}

func (p *planner) add(name, old, new, reason string) {
	p.attrs = append(p.attrs, resources.NewAttrChange(name, old, new, false))
	if reason == "" {
		reason = name + " is " + old + ", want " + new
	}
	p.reasons = append(p.reasons, reason)
}

func (p *planner) change() resources.Change {
	why := strings.Join(append(p.reasons, p.notes...), "; ")
	if len(p.reasons) == 0 {
		return resources.Change{Action: resources.NoOp, Reason: why}
	}
	return resources.Change{Action: resources.Update, Reason: why, Attrs: p.attrs}
}

func (r *service) planMissing() resources.Change {
	if r.ensure == "" && r.enable == nil && r.masked == nil {
		return resources.Change{Action: resources.NoOp, Reason: r.unit + " not found (only refreshed)"}
	}
	c := resources.Change{Action: resources.Create,
		Reason: r.unit + " not found yet: its package or unit file must provide it before it is applied"}
	if r.masked != nil {
		c.Attrs = append(c.Attrs, resources.NewAttrChange("masked", "", strconv.FormatBool(*r.masked), false))
	}
	if r.enable != nil {
		c.Attrs = append(c.Attrs, resources.NewAttrChange("enable", "", enableWord(*r.enable), false))
	}
	if r.ensure != "" {
		c.Attrs = append(c.Attrs, resources.NewAttrChange("ensure", "", r.ensure, false))
	}
	if r.root != "" && r.ensure == "running" {
		c.Reason += "; starting is deferred to boot (offline under --root)"
	}
	return c
}

func enableWord(on bool) string {
	if on {
		return "enabled"
	}
	return "disabled"
}

// planEnable compares enablement with the unit file state. masked is what
// the unit will be once masking is applied.
func (r *service) planEnable(p *planner, o observation, masked bool) error {
	if r.enable == nil {
		return nil
	}
	want := *r.enable
	switch {
	case masked && want:
		return fmt.Errorf("%s is masked: it cannot be enabled unless masked = false", r.unit)
	case masked:
		return nil // a masked unit is not enabled
	case o.masked():
		// Being unmasked: what enablement it has then shows only after.
		p.add("enable", "masked", enableWord(want), "")
		return nil
	}
	ok, err := enableSatisfied(r.unit, want, o.file)
	if err != nil || ok {
		return err
	}
	p.add("enable", o.file, enableWord(want), "")
	return nil
}

// enableSatisfied judges a UnitFileState against enable. States tend
// cannot change through enabling or disabling are an error when they do
// not already satisfy it.
func enableSatisfied(unit string, want bool, file string) (bool, error) {
	switch file {
	case "enabled":
		return want, nil
	case "enabled-runtime":
		return false, nil // runtime enablement does not survive a reboot
	case "disabled", "linked", "linked-runtime":
		return !want, nil
	case "static", "indirect":
		if want {
			return false, fmt.Errorf("%s is %s: it has no [Install] section of its own and cannot be enabled; leave enable unset", unit, file)
		}
		return true, nil
	}
	return false, fmt.Errorf("%s has unit file state %q: its enablement cannot be changed; leave enable unset", unit, file)
}

// planEnsure compares the active state with ensure. Offline nothing runs,
// so ensure only adds a note.
func (r *service) planEnsure(p *planner, o observation, masked bool) error {
	switch {
	case r.ensure == "":
		return nil
	case r.root != "":
		if r.ensure == "running" {
			p.notes = append(p.notes, "starting is deferred to boot (offline under --root)")
		}
		return nil
	case r.ensure == "running" && masked:
		return fmt.Errorf("%s is masked: it cannot be started unless masked = false", r.unit)
	case r.ensure == "running" && !o.running():
		p.add("ensure", o.status(), "running", o.status()+", want running")
	case r.ensure == "stopped" && !o.stopped():
		p.add("ensure", o.status(), "stopped", o.status()+", want stopped")
	}
	return nil
}

// Verify reads and plans again: after Apply, anything left to do means
// systemd did not take the change.
func (r *service) Verify(ctx context.Context) error {
	return resources.Converged(ctx, r, r.unit)
}

// Output says what the last Apply or Refresh did, for the run report.
func (r *service) Output() string { return r.output }

// did records a step for Output.
func (r *service) did(step string) {
	if r.output != "" {
		r.output += "\n"
	}
	r.output += step
}
