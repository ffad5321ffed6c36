package config

import (
	"path"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// dataLayer is one hieradata-style file: common, a role, or the node.
type dataLayer struct {
	name  string // "common", "role/relay", "node/emailout"
	attrs hcl.Attributes
}

// loadDataLayers parses the layers for the node, most general first:
// data/common.hcl, data/roles/ROLE.hcl for each role in order, and
// data/nodes/NODE.hcl. Missing files are simply absent layers. A file
// that cannot be read is reported at what brings it in: the node block,
// or the role's name in its roles list (roleRefs, one per role).
func (ld *loader) loadDataLayers(nodeRef hcl.Range, roleRefs []hcl.Range) hcl.Diagnostics {
	var diags hcl.Diagnostics
	type layerFile struct {
		name, file string
		ref        hcl.Range
	}
	files := []layerFile{{"common", "data/common.hcl", nodeRef}}
	for i, r := range ld.roles {
		files = append(files, layerFile{"role/" + r, path.Join("data/roles", r+".hcl"), roleRefs[i]})
	}
	files = append(files, layerFile{"node/" + ld.node, path.Join("data/nodes", ld.node+".hcl"), nodeRef})
	for _, f := range files {
		found, err := ld.repo.exists(f.file)
		if err != nil {
			diags = append(diags, errorAt(f.ref, "Cannot read file", ld.repo.readError(f.file, err)+"."))
			continue
		}
		if !found {
			continue
		}
		file, d := ld.files.parse(ld.repo, f.file, &f.ref)
		diags = append(diags, d...)
		if file == nil {
			continue
		}
		attrs, d := file.Body.JustAttributes()
		diags = append(diags, d...)
		ld.layers = append(ld.layers, dataLayer{name: f.name, attrs: attrs})
	}
	return diags
}

// dataValue is data.NAME: the value from the most specific layer that
// sets it, remembering which layers it overrides.
func (s *scope) dataValue(name string, rng hcl.Range) (value, hcl.Diagnostics) {
	if s.parent != nil {
		return value{}, hcl.Diagnostics{errorAt(rng, "Data is not visible in modules",
			"Modules receive data through their variables; pass data."+name+" in the module block.")}
	}
	layers := s.ld.layers
	var win *hcl.Attribute
	var winLayer string
	var overridden []string
	for i := len(layers) - 1; i >= 0; i-- {
		a, ok := layers[i].attrs[name]
		if !ok {
			continue
		}
		if win == nil {
			win, winLayer = a, layers[i].name
			continue
		}
		overridden = append(overridden, layers[i].name+" at "+rangeText(a.NameRange))
	}
	if win == nil {
		return value{}, hcl.Diagnostics{errorAt(rng, "Missing data value",
			"No data layer sets "+quote(name)+"; looked in "+s.ld.layerNames()+"."+didYouMean(name, s.ld.dataKeys()))}
	}
	return s.memoized("data."+name, rng, func() (value, hcl.Diagnostics) {
		v, diags := s.eval(win.Expr, evalCtx{dataOnly: true})
		note := "layer " + winLayer
		if len(overridden) > 0 {
			note += "; overrides " + strings.Join(overridden, ", ")
		}
		v.origins = mergeOrigins([]Origin{{What: "data." + name, Range: win.Expr.Range(), Note: note}}, v.origins...)
		return v, diags
	})
}

// dataKeys are the names the data layers set, each once, sorted.
func (ld *loader) dataKeys() []string {
	set := map[string]bool{}
	for _, l := range ld.layers {
		for k := range l.attrs {
			set[k] = true
		}
	}
	return names(set)
}

func (ld *loader) layerNames() string {
	var names []string
	for _, l := range ld.layers {
		names = append(names, l.name)
	}
	if len(names) == 0 {
		return "no layers (no data files for this node)"
	}
	return strings.Join(names, ", ")
}
