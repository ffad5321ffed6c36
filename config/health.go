package config

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/tendhq/tend/resources/health"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// healthType is what the health argument takes: a list of checks.
var healthType = cty.List(cty.ObjectWithOptionalAttrs(map[string]cty.Type{
	"name": cty.String, "command": cty.String, "tcp": cty.String, "unix": cty.String,
	"expect": cty.String, "timeout": cty.String, "retry": cty.String,
}, []string{"name", "command", "tcp", "unix", "expect", "timeout", "retry"}))

// health evaluates the health argument of one instance: the checks the
// engine runs after its refresh.
func (rb *resBlock) health(each *cty.Value) ([]health.Check, hcl.Diagnostics) {
	a, set := rb.content.Attributes["health"]
	if !set {
		return nil, nil
	}
	v, diags := rb.scope.eval(a.Expr, evalCtx{each: each})
	rb.addDeps(v.deps)
	if diags.HasErrors() {
		return nil, diags
	}
	plain, _ := v.val.UnmarkDeep()
	conv, err := convert.Convert(plain, healthType)
	if err != nil || !conv.IsWhollyKnown() {
		why := "it must be known before the run"
		if err != nil {
			why = err.Error()
		}
		return nil, append(diags, errorAt(a.Expr.Range(), "Invalid health checks",
			"health takes a list of checks, each {command = ...}, {tcp = \"HOST:PORT\"} or {unix = PATH}, with optional expect, timeout, retry and name: "+why+"."))
	}
	if conv.IsNull() {
		return nil, diags
	}
	var checks []health.Check
	for it := conv.ElementIterator(); it.Next(); {
		_, e := it.Element()
		c, d := healthCheck(e, a.Expr.Range())
		c.Dir = rb.scope.ld.env.Path("/")
		diags = append(diags, d...)
		checks = append(checks, c)
	}
	return checks, diags
}

func healthCheck(e cty.Value, rng hcl.Range) (health.Check, hcl.Diagnostics) {
	str := func(name string) string {
		if v := e.GetAttr(name); !v.IsNull() {
			return v.AsString()
		}
		return ""
	}
	c := health.Check{Name: str("name"), Command: str("command"), TCP: str("tcp"), Unix: str("unix"), Expect: str("expect")}
	var diags hcl.Diagnostics
	for _, d := range []struct {
		name string
		to   *time.Duration
	}{{"timeout", &c.Timeout}, {"retry", &c.Retry}} {
		s := str(d.name)
		if s == "" {
			continue
		}
		dur, err := time.ParseDuration(s)
		if err != nil || dur < 0 {
			diags = append(diags, errorAt(rng, "Invalid health check", d.name+" must be a duration such as \"5s\", not "+quote(s)+"."))
		}
		*d.to = dur
	}
	if c.Retry == 0 && str("retry") == "" {
		c.Retry = health.DefaultRetry
	}
	if err := c.Validate(); err != nil {
		diags = append(diags, errorAt(rng, "Invalid health check", err.Error()+"."))
	}
	return c, diags
}

// ConfigDigest summarizes the instance's evaluated configuration: it
// changes whenever any attribute value does.
func (inst *Instance) ConfigDigest() string {
	names := make([]string, 0, len(inst.Config.Values))
	for n := range inst.Config.Values {
		names = append(names, n)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		v := inst.Config.Values[n]
		b, err := ctyjson.Marshal(v, v.Type())
		if err != nil {
			b = []byte(v.GoString())
		}
		h.Write([]byte(n))
		h.Write([]byte{0})
		h.Write(b)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}
