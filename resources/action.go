package resources

// Action is what a plan will do to one resource.
type Action int

const (
	// NoOp: the resource already is as configured.
	NoOp Action = iota
	// Create: the managed thing does not exist yet.
	Create
	// Update: the thing exists and some of its attributes differ.
	Update
	// Delete: the thing exists and is configured to be absent.
	Delete
	// Refresh: nothing differs, but a notify event asks the resource to act
	// (reload a service, rebuild a map, run a command).
	Refresh
	// Unknown: the configuration cannot be completed on this host (a value
	// encrypted to identities it does not hold), so what would change is
	// not known. A plan shows it; an apply fails the resource.
	Unknown
)

var actionNames = [...]string{"no-op", "create", "update", "delete", "refresh", "unknown"}

// String is the action's name as JSON plans and reports spell it.
func (a Action) String() string {
	if a < 0 || int(a) >= len(actionNames) {
		return "invalid"
	}
	return actionNames[a]
}

// Symbol is the one-column marker the plan renderer puts before a resource.
func (a Action) Symbol() string {
	switch a {
	case Create:
		return "+"
	case Update:
		return "~"
	case Delete:
		return "-"
	case Refresh:
		return "*"
	case Unknown:
		return "?"
	}
	return " "
}

// MarshalText makes actions readable in JSON.
func (a Action) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText reads what MarshalText wrote.
func (a *Action) UnmarshalText(b []byte) error {
	for i, n := range actionNames {
		if n == string(b) {
			*a = Action(i)
			return nil
		}
	}
	*a = -1
	return &UnknownActionError{Name: string(b)}
}

// UnknownActionError reports an action name no version of tend writes.
type UnknownActionError struct{ Name string }

func (e *UnknownActionError) Error() string { return "unknown action " + e.Name }
