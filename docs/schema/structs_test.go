package schema_test

import (
	"encoding"
	"encoding/json"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tendhq/tend/agent/catalogdiff"
	"github.com/tendhq/tend/docs/schema"
	"github.com/tendhq/tend/resources"
	"github.com/tendhq/tend/resources/engine"
	"github.com/tendhq/tend/resources/plan"
	"github.com/tendhq/tend/resources/report"
)

// goTypes are the Go types each document schema describes.
var goTypes = map[string]reflect.Type{
	"plan.schema.json":             reflect.TypeFor[plan.Plan](),
	"saved-plan.schema.json":       reflect.TypeFor[plan.Saved](),
	"report.schema.json":           reflect.TypeFor[report.Report](),
	"last-run-summary.schema.json": reflect.TypeFor[report.LastRunSummary](),
	"preview.schema.json":          reflect.TypeFor[report.Preview](),
	"diff-catalog.schema.json":     reflect.TypeFor[catalogdiff.Report](),
}

// TestSchemasMatchTypes walks each document's Go type and its schema
// together: every JSON field of a struct is a property of the schema's
// object, with a description and a JSON type matching the field's, and
// every property is a field. Every object the schemas define must be met
// on the way, so none is left describing nothing.
func TestSchemasMatchTypes(t *testing.T) {
	w := &walker{t: t, files: map[string]map[string]any{}, met: map[string]bool{}}
	for _, name := range schemaFiles(t) {
		b, _ := schema.Files.ReadFile(name)
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		w.files[name] = doc
	}
	for _, name := range documentSchemas {
		w.walk(name, goTypes[name], loc{name, ""}, w.files[name])
	}
	for name, doc := range w.files {
		defs, _ := doc["$defs"].(map[string]any)
		for def, s := range defs {
			if _, ok := s.(map[string]any)["properties"]; ok && !w.met[name+"#/$defs/"+def] {
				t.Errorf("%s#/$defs/%s describes no Go type", name, def)
			}
		}
	}
}

// TestEnumsMatchCode: the enumerations of actions and statuses are the
// names the code writes.
func TestEnumsMatchCode(t *testing.T) {
	var actions []string
	for a := resources.Action(0); a.String() != "invalid"; a++ {
		actions = append(actions, a.String())
	}
	var statuses []string
	for _, s := range []engine.Status{engine.Unchanged, engine.Changed, engine.Failed, engine.Skipped} {
		statuses = append(statuses, s.String())
	}
	w := &walker{t: t, files: map[string]map[string]any{}, met: map[string]bool{}}
	for _, name := range schemaFiles(t) {
		b, _ := schema.Files.ReadFile(name)
		var doc map[string]any
		_ = json.Unmarshal(b, &doc)
		w.files[name] = doc
	}
	for ref, want := range map[string][]string{
		"change.schema.json#/$defs/action": actions,
		"report.schema.json#/$defs/status": statuses,
	} {
		_, s := w.resolve(loc{}, ref)
		var got []string
		for _, v := range s["enum"].([]any) {
			got = append(got, v.(string))
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: enum %v, the code writes %v", ref, got, want)
		}
	}
}

// loc is where a schema is: its file and its JSON pointer there.
type loc struct{ file, ptr string }

type walker struct {
	t     *testing.T
	files map[string]map[string]any
	// met records the object schemas met, as FILE#POINTER.
	met map[string]bool
}

// resolve follows a $ref from a schema in file at.file.
func (w *walker) resolve(at loc, ref string) (loc, map[string]any) {
	file, ptr, _ := strings.Cut(ref, "#")
	if file == "" {
		file = at.file
	}
	var s any = w.files[file]
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		if tok != "" {
			s = s.(map[string]any)[tok]
		}
	}
	m, ok := s.(map[string]any)
	if !ok {
		w.t.Fatalf("%s: $ref %q resolves to nothing", at.file, ref)
	}
	return loc{file, ptr}, m
}

// view is a schema with what its $ref chain adds: its JSON types, its
// properties, and the schemas of array items and map values.
type view struct {
	types map[string]bool
	props map[string]sub
	items *sub
	addl  *sub
}

// sub is a subschema with where it is, for the references in it.
type sub struct {
	at loc
	s  map[string]any
}

func (w *walker) view(at loc, s map[string]any) view {
	v := view{types: map[string]bool{}, props: map[string]sub{}}
	for {
		w.met[at.file+"#"+at.ptr] = true
		switch ty := s["type"].(type) {
		case string:
			v.types[ty] = true
		case []any:
			for _, x := range ty {
				v.types[x.(string)] = true
			}
		}
		if c, ok := s["const"]; ok {
			v.types[jsonType(c)] = true
		}
		props, _ := s["properties"].(map[string]any)
		for name, p := range props {
			v.props[name] = sub{at, p.(map[string]any)}
		}
		if it, ok := s["items"].(map[string]any); ok {
			v.items = &sub{at, it}
		}
		if ad, ok := s["additionalProperties"].(map[string]any); ok {
			v.addl = &sub{at, ad}
		}
		ref, ok := s["$ref"].(string)
		if !ok {
			return v
		}
		at, s = w.resolve(at, ref)
	}
}

func jsonType(v any) string {
	switch v := v.(type) {
	case string:
		return "string"
	case bool:
		return "boolean"
	case float64:
		if v == float64(int64(v)) {
			return "integer"
		}
		return "number"
	}
	return "object"
}

var textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()

// walk checks the schema s at at against the Go type typ; path names the
// place for messages.
func (w *walker) walk(path string, typ reflect.Type, at loc, s map[string]any) {
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	v := w.view(at, s)
	want := goJSONType(typ)
	if !v.types[want] {
		w.t.Errorf("%s: the Go type %s is JSON %s, the schema says %v", path, typ, want, keys(v.types))
	}
	switch {
	case want == "string" || typ.Kind() != reflect.Struct && typ.Kind() != reflect.Slice && typ.Kind() != reflect.Map:
	case typ.Kind() == reflect.Struct:
		w.walkStruct(path, typ, v)
	case typ.Kind() == reflect.Slice && v.items != nil:
		w.walk(path+"[]", typ.Elem(), v.items.at, v.items.s)
	case typ.Kind() == reflect.Map && v.addl != nil:
		w.walk(path+"{}", typ.Elem(), v.addl.at, v.addl.s)
	default:
		w.t.Errorf("%s: the schema does not say what the %s holds", path, typ)
	}
}

func (w *walker) walkStruct(path string, typ reflect.Type, v view) {
	fields := jsonFields(typ)
	for name := range v.props {
		if _, ok := fields[name]; !ok {
			w.t.Errorf("%s: the schema has %q, %s has no such field", path, name, typ)
		}
	}
	for _, name := range keys(fields) {
		p, ok := v.props[name]
		if !ok {
			w.t.Errorf("%s: %s has the field %q, the schema does not", path, typ, name)
			continue
		}
		if d, _ := p.s["description"].(string); d == "" {
			w.t.Errorf("%s.%s: no description", path, name)
		}
		w.walk(path+"."+name, fields[name], p.at, p.s)
	}
}

// goJSONType is the JSON type encoding/json writes a Go type as.
func goJSONType(typ reflect.Type) string {
	if typ == reflect.TypeFor[time.Time]() || reflect.PointerTo(typ).Implements(textMarshaler) {
		return "string"
	}
	switch typ.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice:
		return "array"
	}
	return "object"
}

// jsonFields are the JSON names of a struct's fields and their types, the
// fields of embedded structs without a tag included as encoding/json
// does.
func jsonFields(typ reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for _, f := range reflect.VisibleFields(typ) {
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		switch {
		case !f.IsExported() || name == "-":
		case f.Anonymous && tag == "" && f.Type.Kind() == reflect.Struct:
			// its fields are visible fields of their own
		case name == "":
			out[f.Name] = f.Type
		default:
			out[name] = f.Type
		}
	}
	return out
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
