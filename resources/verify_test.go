package resources

import (
	"context"
	"testing"
)

// stuck is a resource whose Plan still finds a difference after Apply.
type stuck struct{ action Action }

func (s stuck) Read(context.Context) (State, error) { return State{}, nil }
func (s stuck) Plan(context.Context, State) (Change, error) {
	return Change{Action: s.action, Reason: "mode differs",
		Attrs: []AttrChange{NewAttrChange("mode", "0600", "0644", false), NewAttrChange("password", "a", "b", true)}}, nil
}
func (s stuck) Apply(context.Context, Change) error { return nil }
func (s stuck) Verify(context.Context) error        { return nil }

func TestConvergedNamesWhatStillDiffers(t *testing.T) {
	if err := Converged(context.Background(), stuck{NoOp}, "/etc/x"); err != nil {
		t.Fatalf("converged resource: %v", err)
	}
	err := Converged(context.Background(), stuck{Update}, "/etc/x")
	want := `/etc/x still differs after apply (mode differs); mode "0600", want "0644"; password "(sensitive)", want "(sensitive)"`
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v\nwant %s", err, want)
	}
}
