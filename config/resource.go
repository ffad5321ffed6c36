package config

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/tendhq/tend/resources"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// resBlock is a resource block; it expands into one instance, or one per
// for_each key.
type resBlock struct {
	scope     *scope
	kind      resources.Kind
	schema    resources.Schema
	block     *hcl.Block
	content   *hcl.BodyContent
	deps      map[*resBlock]bool // blocks its attribute values refer to
	instances []*Instance
	// ref is what references to the block see, once one asked.
	ref *cty.Value
}

func newResBlock(s *scope, kind resources.Kind, b *hcl.Block) (*resBlock, hcl.Diagnostics) {
	schema := kind.Schema()
	bs := &hcl.BodySchema{Attributes: append([]hcl.AttributeSchema(nil), resourceMeta...)}
	for _, a := range schema.Attrs {
		bs.Attributes = append(bs.Attributes, hcl.AttributeSchema{Name: a.Name, Required: a.Required})
	}
	content, diags := b.Body.Content(bs)
	return &resBlock{scope: s, kind: kind, schema: schema, block: b, content: content, deps: map[*resBlock]bool{}}, diags
}

func (rb *resBlock) baseAddr() resources.Address {
	return resources.Address{Module: rb.scope.path, Kind: rb.block.Labels[0], Name: rb.block.Labels[1]}
}

// resourceValue is KIND.NAME: an object of the instance's attributes, or
// a map of them by key for for_each.
func (s *scope) resourceValue(kind, name string, rng hcl.Range) (value, hcl.Diagnostics) {
	rb, ok := s.res[kind+"."+name]
	if !ok {
		return value{}, hcl.Diagnostics{errorAt(rng, "Reference to undeclared resource",
			"No resource "+kind+"."+name+" is declared in this "+s.kindOfScope()+"."+didYouMean(kind+"."+name, names(s.res)))}
	}
	v, diags := s.evaluateResource(rb, rng)
	if !v.val.IsKnown() || diags.HasErrors() {
		return v, diags
	}
	if rb.ref == nil {
		ref := rb.refValue()
		rb.ref = &ref
	}
	v.val = *rb.ref
	return v, diags
}

// evaluateResource evaluates the block's instances once. The value
// references see is built only when something refers to the block (see
// refValue): most blocks are referred to by nothing, and those objects
// were a large share of what evaluating a big catalog allocated. Its
// limits are checked all the same (checkBlock).
func (s *scope) evaluateResource(rb *resBlock, rng hcl.Range) (value, hcl.Diagnostics) {
	key := rb.block.Labels[0] + "." + rb.block.Labels[1]
	return s.memoized(key, rng, func() (value, hcl.Diagnostics) {
		v := value{val: cty.EmptyObjectVal, deps: map[*resBlock]bool{rb: true}}
		diags := rb.expand()
		if diags.HasErrors() {
			v.val = cty.DynamicVal
		} else if d := rb.checkBlock(key, rng); d != nil {
			v.val = cty.DynamicVal
			diags = append(diags, d)
		}
		return v, diags
	})
}

// expand evaluates for_each and every instance's attributes.
func (rb *resBlock) expand() hcl.Diagnostics {
	fe, hasForEach := rb.content.Attributes["for_each"]
	if !hasForEach {
		inst, diags := rb.instance(resources.Address{}, nil)
		rb.addInstance(inst)
		return diags
	}
	keys, diags := rb.forEachKeys(fe)
	tags := keyTags(keys)
	for _, k := range keys {
		key := cty.StringVal(k.key)
		if k.sensitive {
			key = key.Mark(sensitiveMark)
			rb.scope.ld.secrets[k.key] = true
		}
		each := cty.ObjectVal(map[string]cty.Value{"key": key, "value": k.val})
		addr := resources.Address{Key: k.key, Keyed: true, KeyTag: tags[k.key]}
		inst, d := rb.instance(addr, &each)
		diags = append(diags, d...)
		rb.addInstance(inst)
	}
	return diags
}

// refValue is the value references to an evaluated block see: the
// object of its instance's attributes, or an object of those by key
// for for_each.
func (rb *resBlock) refValue() cty.Value {
	if _, hasForEach := rb.content.Attributes["for_each"]; !hasForEach {
		return rb.instanceValue(rb.instances[0])
	}
	objs := make(map[string]cty.Value, len(rb.instances))
	for _, inst := range rb.instances {
		objs[inst.Addr.Key] = rb.instanceValue(inst)
	}
	return cty.ObjectVal(objs)
}

// instanceValue is one instance's attributes as references see them.
func (rb *resBlock) instanceValue(inst *Instance) cty.Value {
	obj := make(map[string]cty.Value, len(rb.schema.Attrs))
	for _, as := range rb.schema.Attrs {
		obj[as.Name] = inst.refAttr(as.Name)
	}
	return cty.ObjectVal(obj)
}

// refAttr is the value references see for one attribute: the
// configuration's, unless it carries marks or is computed.
func (inst *Instance) refAttr(name string) cty.Value {
	if v, ok := inst.refs[name]; ok {
		return v
	}
	return inst.Config.Values[name]
}

// checkBlock is checkValue of the value refValue would build, walked
// the same way (attributes and keys in cty's sorted order) without
// building it.
func (rb *resBlock) checkBlock(key string, rng hcl.Range) *hcl.Diagnostic {
	var w valueWalk
	var depth int
	if _, hasForEach := rb.content.Attributes["for_each"]; !hasForEach {
		depth = rb.instanceDepth(&w, rb.instances[0], maxValueDepth)
	} else {
		insts := slices.Clone(rb.instances)
		slices.SortFunc(insts, func(a, b *Instance) int { return strings.Compare(a.Addr.Key, b.Addr.Key) })
		depth = w.objectDepth(len(insts), maxValueDepth, func(i, limit int) int { return rb.instanceDepth(&w, insts[i], limit) })
	}
	return limitError(key, rng, depth, w.elements)
}

// instanceDepth is valueWalk.depth of instanceValue(inst).
func (rb *resBlock) instanceDepth(w *valueWalk, inst *Instance, limit int) int {
	names := make([]string, len(rb.schema.Attrs))
	for i, as := range rb.schema.Attrs {
		names[i] = as.Name
	}
	sort.Strings(names)
	return w.objectDepth(len(names), limit, func(i, limit int) int { return w.depth(inst.refAttr(names[i]), limit) })
}

func (rb *resBlock) addInstance(inst *Instance) {
	if inst != nil {
		rb.instances = append(rb.instances, inst)
	}
}

type eachKey struct {
	key string
	val cty.Value
	// sensitive keys are never printed: their address shows a tag.
	sensitive bool
}

func (rb *resBlock) forEachKeys(a *hcl.Attribute) ([]eachKey, hcl.Diagnostics) {
	v, diags := rb.scope.eval(a.Expr, evalCtx{})
	rb.addDeps(v.deps)
	if diags.HasErrors() {
		return nil, diags
	}
	val, marks := v.val.Unmark()
	plain, _ := val.UnmarkDeep()
	ty := plain.Type()
	// A set's elements are its keys: every one must be known (a value
	// that failed to evaluate upstream leaves an unknown one).
	ok := val.IsKnown() && !val.IsNull() &&
		(ty.IsMapType() || ty.IsObjectType() || (ty.IsSetType() && ty.ElementType() == cty.String && plain.IsWhollyKnown()))
	if !ok {
		return nil, append(diags, errorAt(a.Expr.Range(), "Invalid for_each argument",
			"for_each takes a map, an object, or a set of strings (use toset([...]) for a list)."))
	}
	var keys []eachKey
	for it := val.ElementIterator(); it.Next(); {
		k, e := it.Element()
		if ty.IsSetType() {
			k = e
		}
		k, kmarks := k.Unmark()
		if k.IsNull() {
			return nil, append(diags, errorAt(a.Expr.Range(), "Invalid for_each argument", "for_each keys may not be null."))
		}
		_, sensitive := kmarks[sensitiveMark]
		_, whole := marks[sensitiveMark]
		keys = append(keys, eachKey{key: k.AsString(), val: e.WithMarks(marks), sensitive: sensitive || whole})
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].key < keys[j].key })
	return keys, diags
}

// keyTags names each sensitive for_each key in addresses: a short hash,
// the same in every run (saved plans and pending refresh events name
// instances by address), long enough that the block's tags differ. Four
// hex digits tell 16 bits of the key; eight when four collide.
func keyTags(keys []eachKey) map[string]string {
	tags := map[string]string{}
	for _, n := range []int{4, 8, 64} {
		seen := map[string]bool{}
		unique := true
		for _, k := range keys {
			if !k.sensitive {
				continue
			}
			sum := sha256.Sum256([]byte("tend for_each key\x00" + k.key))
			t := hex.EncodeToString(sum[:])[:n]
			unique = unique && !seen[t]
			seen[t], tags[k.key] = true, t
		}
		if unique {
			break
		}
	}
	return tags
}

func (rb *resBlock) addDeps(deps map[*resBlock]bool) {
	for d := range deps {
		if d != rb {
			rb.deps[d] = true
		}
	}
}

// instance evaluates the attributes of one instance. It returns the
// instance, nil when evaluation failed.
func (rb *resBlock) instance(key resources.Address, each *cty.Value) (*Instance, hcl.Diagnostics) {
	addr := rb.baseAddr()
	addr.Key, addr.Keyed, addr.KeyTag = key.Key, key.Keyed, key.KeyTag
	// Values holds every attribute of the schema, so it is made at its
	// final size; Sensitive holds only the sensitive ones (most instances
	// have none), which is all its readers look up.
	inst := &Instance{
		Addr: addr, Kind: rb.kind, Decl: rb.block.DefRange, block: rb,
		Config: &resources.Config{Addr: addr, Values: make(map[string]cty.Value, len(rb.schema.Attrs)),
			Sensitive: map[string]bool{}, Env: rb.scope.ld.env},
		Origins: map[string][]Origin{},
	}
	var diags hcl.Diagnostics
	for _, as := range rb.schema.Attrs {
		var val cty.Value
		var d hcl.Diagnostics
		if as.Computed {
			val, d = rb.computed(addr, as)
		} else {
			val, d = rb.attribute(inst, as, each)
		}
		diags = append(diags, d...)
		if as.Computed || val.ContainsMarked() {
			if inst.refs == nil {
				inst.refs = map[string]cty.Value{}
			}
			inst.refs[as.Name] = val
		}
	}
	checks, d := rb.health(each)
	inst.Health = checks
	diags = append(diags, d...)
	if diags.HasErrors() {
		return nil, diags
	}
	for _, v := range inst.Config.Values {
		if !v.IsWhollyKnown() {
			inst.Deferred = true
		}
	}
	return inst, diags
}

// computed is the value of a computed attribute: what the host showed
// when it was read before planning, unknown until then. Configuration
// cannot set it.
func (rb *resBlock) computed(addr resources.Address, as resources.AttrSchema) (cty.Value, hcl.Diagnostics) {
	if a, set := rb.content.Attributes[as.Name]; set {
		return cty.DynamicVal, hcl.Diagnostics{errorAt(a.NameRange, "Computed attribute",
			as.Name+" is read from the host by "+addr.Kind+"; it cannot be set. Other resources may refer to it as "+addr.String()+"."+as.Name+".")}
	}
	observed, ok := rb.scope.ld.observed[addr.String()]
	if !ok {
		return cty.UnknownVal(as.Type), nil
	}
	raw, ok := observed[as.Name]
	if !ok {
		return cty.NullVal(as.Type), nil
	}
	val, err := convert.Convert(cty.StringVal(raw), as.Type)
	if err != nil {
		return cty.DynamicVal, hcl.Diagnostics{errorAt(rb.block.DefRange, "Invalid computed value",
			addr.String()+"."+as.Name+": the host's value "+quote(raw)+" is not a "+as.Type.FriendlyName()+".")}
	}
	rb.scope.ld.computed[addr.String()+"."+as.Name] = raw
	return val, nil
}

// attribute evaluates one attribute into the instance's Config and returns
// the (possibly marked) value for references.
func (rb *resBlock) attribute(inst *Instance, as resources.AttrSchema, each *cty.Value) (cty.Value, hcl.Diagnostics) {
	a, set := rb.content.Attributes[as.Name]
	if !set {
		return rb.unset(inst, as), nil
	}
	v, diags := rb.scope.eval(a.Expr, evalCtx{each: each})
	rb.addDeps(v.deps)
	inst.Origins[as.Name] = mergeOrigins([]Origin{{What: "set", Range: a.Expr.Range()}}, v.origins...)
	if diags.HasErrors() {
		return cty.DynamicVal, diags
	}
	val := v.val
	if as.Load != resources.LoadNone && !val.IsNull() {
		var d hcl.Diagnostics
		val, d = rb.load(as, a, val, each)
		diags = append(diags, d...)
		if d.HasErrors() {
			return cty.DynamicVal, diags
		}
		inst.Origins[as.Name] = append(inst.Origins[as.Name], rb.scope.fileOrigin(as, v.val))
	}
	conv, err := convert.Convert(val, as.Type)
	if err != nil {
		return cty.DynamicVal, append(diags, errorAt(a.Expr.Range(), "Incorrect attribute value type",
			"Inappropriate value for attribute "+quote(as.Name)+": "+conversionError(err, val)+"."))
	}
	if conv.IsNull() && as.HasDefault() {
		return rb.unset(inst, as), diags
	}
	plain, _ := conv.UnmarkDeep()
	if as.Sensitive {
		rb.scope.ld.noteSecret(plain)
	}
	rb.scope.ld.noteMarked(conv)
	if why := undecryptableWhy(conv); why != "" {
		inst.Undecryptable = as.Name + ": " + why
	}
	inst.Config.Values[as.Name] = plain
	if as.Sensitive || conv.ContainsMarked() {
		inst.Config.Sensitive[as.Name] = true
	}
	if as.Sensitive {
		conv = conv.Mark(sensitiveMark)
	}
	return conv, diags
}

// unset is an attribute the block leaves unset (or null): its default,
// when the kind's schema has one, null otherwise.
func (rb *resBlock) unset(inst *Instance, as resources.AttrSchema) cty.Value {
	val := cty.NullVal(nullType(as.Type))
	if as.HasDefault() {
		val = as.Default
	}
	inst.Config.Values[as.Name] = val
	if as.Sensitive {
		inst.Config.Sensitive[as.Name] = true
		return val.Mark(sensitiveMark)
	}
	return val
}

func nullType(t cty.Type) cty.Type {
	if t == cty.NilType {
		return cty.DynamicPseudoType
	}
	return t
}
