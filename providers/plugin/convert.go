package plugin

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/tendhq/tend/providers/plugin/wire"
	"github.com/tendhq/tend/resources"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// encodeRequest puts a request on the wire: the values as one cty object
// in cty's JSON, with its type, so that every value arrives with exactly the
// type the schema gave it (a DynamicPseudoType attribute included).
func encodeRequest(req Request) (*wire.Request, error) {
	cfg := req.Config
	if cfg == nil {
		return nil, fmt.Errorf("request for kind %q carries no configuration", req.Kind)
	}
	obj := cty.EmptyObjectVal
	if len(cfg.Values) > 0 {
		obj = cty.ObjectVal(cfg.Values)
	}
	ty, err := ctyjson.MarshalType(obj.Type())
	if err != nil {
		return nil, fmt.Errorf("encoding the type of %s: %w", cfg.Addr, err)
	}
	vals, err := ctyjson.Marshal(obj, obj.Type())
	if err != nil {
		return nil, fmt.Errorf("encoding the values of %s: %w", cfg.Addr, err)
	}
	w := &wire.Config{Addr: cfg.Addr.String(), Values: vals, ValuesType: ty, Root: cfg.Env.Root, StateDir: cfg.Env.StateDir}
	for name, s := range cfg.Sensitive {
		if s {
			w.Sensitive = append(w.Sensitive, name)
		}
	}
	sort.Strings(w.Sensitive)
	return &wire.Request{Kind: req.Kind, Config: w}, nil
}

func decodeRequest(w *wire.Request) (Request, error) {
	if w.GetConfig() == nil {
		return Request{}, fmt.Errorf("request for kind %q carries no configuration", w.GetKind())
	}
	c := w.GetConfig()
	addr, err := resources.ParseAddress(c.GetAddr())
	if err != nil {
		return Request{}, err
	}
	ty, err := ctyjson.UnmarshalType(c.GetValuesType())
	if err != nil {
		return Request{}, fmt.Errorf("decoding the type of %s: %w", addr, err)
	}
	obj, err := ctyjson.Unmarshal(c.GetValues(), ty)
	if err != nil {
		return Request{}, fmt.Errorf("decoding the values of %s: %w", addr, err)
	}
	if !obj.Type().IsObjectType() || obj.IsNull() {
		return Request{}, fmt.Errorf("the values of %s are not an object", addr)
	}
	cfg := &resources.Config{
		Addr: addr, Values: map[string]cty.Value{}, Sensitive: map[string]bool{},
		Env: resources.Env{Root: c.GetRoot(), StateDir: c.GetStateDir()},
	}
	for name, v := range obj.AsValueMap() {
		cfg.Values[name] = v
	}
	for _, name := range c.GetSensitive() {
		cfg.Sensitive[name] = true
	}
	return Request{Kind: w.GetKind(), Config: cfg}, nil
}

// errorToWire keeps what the client side needs to rebuild the error: its
// text, the attribute of a configuration error, and whether it is
// ErrNoRefresh.
func errorToWire(err error) *wire.Error {
	if err == nil {
		return nil
	}
	w := &wire.Error{Message: err.Error(), NoRefresh: errors.Is(err, ErrNoRefresh)}
	var ae *resources.AttrError
	if errors.As(err, &ae) {
		w.Attr = ae.Attr
	}
	return w
}

func errorFromWire(w *wire.Error) error {
	switch {
	case w == nil:
		return nil
	case w.GetNoRefresh():
		return ErrNoRefresh
	case w.GetAttr() != "":
		return &resources.AttrError{Attr: w.GetAttr(), Err: errors.New(bounded(w.GetMessage()))}
	}
	return errors.New(bounded(w.GetMessage()))
}

func encodeChange(c resources.Change) ([]byte, error) { return json.Marshal(c) }

func decodeChange(b []byte) (resources.Change, error) {
	var c resources.Change
	if err := json.Unmarshal(b, &c); err != nil {
		return c, fmt.Errorf("decoding a change: %w", err)
	}
	return c, nil
}

// bounded cuts a text a provider sent (an error, a command's output) to
// resources.TextLimit, saying how much was cut: a provider cannot make
// tend print or record megabytes.
func bounded(s string) string { return resources.Bound(s, resources.TextLimit) }

func identitiesToWire(ids []resources.ID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out
}

func identitiesFromWire(ws []string) ([]resources.ID, error) {
	if len(ws) == 0 {
		return nil, nil
	}
	out := make([]resources.ID, len(ws))
	for i, w := range ws {
		id, err := resources.ParseIdentity(w)
		if err != nil {
			return nil, err
		}
		if id.Name() == "" {
			return nil, fmt.Errorf("identity %q names no thing", w)
		}
		out[i] = id
	}
	return out, nil
}

func orderToWire(os []resources.Order) []*wire.Order {
	out := make([]*wire.Order, len(os))
	for i, o := range os {
		out[i] = &wire.Order{Before: o.Before, Identity: o.ID.String()}
	}
	return out
}

func orderFromWire(ws []*wire.Order) ([]resources.Order, error) {
	if len(ws) == 0 {
		return nil, nil
	}
	out := make([]resources.Order, len(ws))
	for i, w := range ws {
		id, err := resources.ParseIdentity(w.GetIdentity())
		if err != nil {
			return nil, err
		}
		out[i] = resources.Order{Before: w.GetBefore(), ID: id}
	}
	return out, nil
}
