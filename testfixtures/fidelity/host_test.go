package fidelity

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tendhq/tend/config"
	"github.com/zclconf/go-cty/cty"
)

// kind is a resource kind the fidelity checks read.
type kind string

const (
	kindFile    kind = "file"
	kindService kind = "service"
	kindPackage kind = "package"
	kindMap     kind = "postfix_map"
	kindCert    kind = "tls_certificate"
	kindExec    kind = "exec"
	kindDKIM    kind = "dkim_key"
)

// resource is one catalog instance as the checks see it: its known
// string, bool and list attributes. A file's text, whether given as
// content, source or template, is its "content".
type resource struct {
	kind  kind
	addr  string
	attrs map[string]string
	bools map[string]bool
	lists map[string][]string
}

// host is what a catalog would put on a host, reduced to what the checks
// read, so that a mutation can take any part of it away.
type host struct{ res []resource }

// snapshot reduces cat to the resources that are present: files,
// packages and certificates ensured absent are left out.
func snapshot(cat *config.Catalog) *host {
	h := &host{}
	for _, inst := range cat.Instances {
		if inst.Config == nil {
			continue
		}
		r := resource{kind: kind(inst.Kind.Schema().Kind), addr: inst.Addr.String(),
			attrs: map[string]string{}, bools: map[string]bool{}, lists: map[string][]string{}}
		for name, v := range inst.Config.Values {
			addValue(&r, name, v)
		}
		for _, text := range []string{"source", "template"} {
			if s, ok := r.attrs[text]; ok && r.kind == kindFile {
				r.attrs["content"] = s
			}
		}
		if e := r.attrs["ensure"]; e == "absent" || e == "purged" {
			continue
		}
		h.res = append(h.res, r)
	}
	return h
}

// addValue records v under name when it is known: a string, a bool or a
// list or set of strings.
func addValue(r *resource, name string, v cty.Value) {
	if v == cty.NilVal || v.IsNull() || !v.IsWhollyKnown() {
		return
	}
	switch ty := v.Type(); {
	case ty == cty.String:
		r.attrs[name] = v.AsString()
	case ty == cty.Bool:
		r.bools[name] = v.True()
	case (ty.IsListType() || ty.IsSetType()) && ty.ElementType() == cty.String:
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			r.lists[name] = append(r.lists[name], e.AsString())
		}
	}
}

// clone copies h deeply enough for a mutation to change it.
func (h *host) clone() *host {
	c := &host{res: make([]resource, len(h.res))}
	for i, r := range h.res {
		r.attrs = cloneMap(r.attrs)
		c.res[i] = r
	}
	return c
}

func cloneMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// find returns the resources of kind k whose attribute attr is value.
func (h *host) find(k kind, attr, value string) []resource {
	var out []resource
	for _, r := range h.res {
		if r.kind == k && r.attrs[attr] == value {
			out = append(out, r)
		}
	}
	return out
}

// files returns the files with content whose path starts with prefix.
func (h *host) files(prefix string) []resource {
	var out []resource
	for _, r := range h.res {
		if r.kind == kindFile && strings.HasPrefix(r.attrs["path"], prefix) && r.attrs["ensure"] != "directory" {
			out = append(out, r)
		}
	}
	return out
}

// evidence is what a check relied on: a resource, or one line of a
// file's content.
type evidence struct {
	addr string
	line string
}

func (e evidence) String() string {
	if e.line == "" {
		return e.addr
	}
	return fmt.Sprintf("%q in %s", strings.TrimSpace(e.line), e.addr)
}

// without returns a copy of h lacking e: the resource, or every line of
// its content equal to e's line.
func (h *host) without(e evidence) *host {
	c := h.clone()
	c.res = slices.DeleteFunc(c.res, func(r resource) bool { return e.line == "" && r.addr == e.addr })
	for i, r := range c.res {
		if e.line != "" && r.addr == e.addr {
			kept := slices.DeleteFunc(strings.Split(r.attrs["content"], "\n"), func(l string) bool { return l == e.line })
			c.res[i].attrs["content"] = strings.Join(kept, "\n")
		}
	}
	return c
}

// appendLine adds line to the file at path, creating the file when the
// host has none: how a mutation adds what the seed does not have.
func (h *host) appendLine(path, line string) {
	for i, r := range h.res {
		if r.kind == kindFile && r.attrs["path"] == path {
			h.res[i].attrs["content"] = strings.TrimSuffix(r.attrs["content"], "\n") + "\n" + line + "\n"
			return
		}
	}
	h.add(kindFile, "path", path).attrs["content"] = line + "\n"
}

// add adds a resource of kind k whose attribute attr is value, and
// returns it for further attributes.
func (h *host) add(k kind, attr, value string) *resource {
	addr := fmt.Sprintf("mutation.%s.%d", k, len(h.res))
	h.res = append(h.res, resource{kind: k, addr: addr, attrs: map[string]string{attr: value},
		bools: map[string]bool{}, lists: map[string][]string{}})
	return &h.res[len(h.res)-1]
}

// probe runs one check against a host: it collects the problems the
// check reports and the evidence it relied on.
type probe struct {
	h        *host
	problems []string
	evidence []evidence
}

func (p *probe) errorf(format string, args ...any) {
	p.problems = append(p.problems, fmt.Sprintf(format, args...))
}

// rely records evidence, once.
func (p *probe) rely(evs ...evidence) {
	for _, e := range evs {
		if !slices.Contains(p.evidence, e) {
			p.evidence = append(p.evidence, e)
		}
	}
}

// relyOnly records e only when it is the sole alternative: when several
// resources or lines would each do, removing one must not fail the check.
func (p *probe) relyOnly(alternatives []evidence) {
	if len(alternatives) == 1 {
		p.rely(alternatives...)
	}
}

// try runs f on a fresh probe of the same host: when f holds and the
// probe found no problem, its evidence becomes p's. It is how a check
// tries alternatives without relying on those that did not serve.
func (p *probe) try(f func(q *probe) bool) bool {
	q := &probe{h: p.h}
	if f(q) && len(q.problems) == 0 {
		p.rely(q.evidence...)
		return true
	}
	return false
}
