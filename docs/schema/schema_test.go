package schema_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/tendhq/tend/docs/schema"
)

// base is where the schemas' $id put them.
const base = "https://tend.example/schema/"

// documentSchemas are the schemas of whole documents; change.schema.json
// only holds definitions they share.
var documentSchemas = []string{
	"plan.schema.json", "saved-plan.schema.json", "report.schema.json", "last-run-summary.schema.json",
	"preview.schema.json", "diff-catalog.schema.json",
}

// compile compiles every document schema, checking each against the
// draft 2020-12 meta-schema; formats (date-time) are asserted. Nothing
// is fetched: every reference is to a schema added here.
func compile(t *testing.T) map[string]*jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for _, name := range schemaFiles(t) {
		b, _ := schema.Files.ReadFile(name)
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if id, _ := doc.(map[string]any)["$id"].(string); id != base+name {
			t.Errorf("%s: $id %q, want %q", name, id, base+name)
		}
		if err := c.AddResource(base+name, doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	out := map[string]*jsonschema.Schema{}
	for _, name := range documentSchemas {
		s, err := c.Compile(base + name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = s
	}
	return out
}

func schemaFiles(t *testing.T) []string {
	t.Helper()
	names, err := fs.Glob(schema.Files, "*.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	want := append([]string{"change.schema.json"}, documentSchemas...)
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Fatalf("docs/schema holds %v, want %v", names, want)
	}
	return names
}

func decode(t *testing.T, b []byte) any {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	return v
}

// TestDocumentsValidate validates documents tend wrote against their
// schemas, and checks that they show every variant the schemas allow for
// (so a variant no longer made is noticed).
func TestDocumentsValidate(t *testing.T) {
	schemas := compile(t)
	seen := map[string]bool{}
	for _, d := range documents(t) {
		v := decode(t, d.json)
		if err := schemas[d.schema].Validate(v); err != nil {
			t.Errorf("%s does not follow %s: %#v", d.what, d.schema, err)
		}
		features(d.schema, "", v, seen)
	}
	var missing []string
	for _, f := range wantFeatures {
		if !seen[f] {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		t.Errorf("no document shows %v", missing)
	}
}

// wantFeatures are what the documents must show between them: every
// action and status, masked values, settings of known formats, accounts,
// failures and refusals. A feature is SCHEMA:KEY for a key present, and
// SCHEMA:KEY=VALUE for a string or boolean value.
var wantFeatures = []string{
	"plan.schema.json:action=create", "plan.schema.json:action=update", "plan.schema.json:action=delete",
	"plan.schema.json:action=refresh", "plan.schema.json:action=no-op", "plan.schema.json:action=unknown",
	"plan.schema.json:error", "plan.schema.json:missing_accounts",
	"plan.schema.json:creates_accounts", "plan.schema.json:notifies", "plan.schema.json:refresh_from",
	"plan.schema.json:format=postfix-main", "plan.schema.json:format=postfix-master", "plan.schema.json:format=key-value",
	"plan.schema.json:format=sources-list", "plan.schema.json:format=dovecot", "plan.schema.json:entry=true", "plan.schema.json:op=change",
	"plan.schema.json:op=add", "plan.schema.json:op=remove", "plan.schema.json:masked=true",
	"plan.schema.json:sensitive=true", "plan.schema.json:computed", "plan.schema.json:unknown",
	"saved-plan.schema.json:plan_sha256",
	"report.schema.json:status=changed", "report.schema.json:status=failed", "report.schema.json:status=skipped",
	"report.schema.json:status=unchanged", "report.schema.json:skipped_by", "report.schema.json:internal_error", "report.schema.json:output",
	"report.schema.json:events", "report.schema.json:errors",
	"last-run-summary.schema.json:internal_error",
	"preview.schema.json:plan", "preview.schema.json:refused",
	"diff-catalog.schema.json:status=changed", "diff-catalog.schema.json:status=unchanged",
	"diff-catalog.schema.json:status=failed", "diff-catalog.schema.json:only_in=new",
	"diff-catalog.schema.json:added", "diff-catalog.schema.json:removed", "diff-catalog.schema.json:attrs",
	"diff-catalog.schema.json:sensitive=true", "diff-catalog.schema.json:content",
	"diff-catalog.schema.json:new_diagnostics", "diff-catalog.schema.json:failed=true",
}

// features records what a decoded document shows.
func features(schemaName, key string, v any, seen map[string]bool) {
	if key != "" {
		seen[schemaName+":"+key] = true
	}
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			features(schemaName, k, x, seen)
		}
	case []any:
		for _, x := range v {
			features(schemaName, "", x, seen)
		}
	case string, bool:
		if key != "" {
			seen[fmt.Sprintf("%s:%s=%v", schemaName, key, v)] = true
		}
	}
}

// mutation breaks a valid document in one way a schema must refuse.
type mutation struct {
	name   string
	schema string // "" for every document schema
	change func(doc map[string]any)
}

var mutations = []mutation{
	{"an unknown field", "", func(d map[string]any) { d["colour"] = "blue" }},
	{"format_version 2", "", func(d map[string]any) { d["format_version"] = json.Number("2") }},
	{"format_version as text", "", func(d map[string]any) { d["format_version"] = "1" }},
	{"no format_version", "", func(d map[string]any) { delete(d, "format_version") }},
	{"a required field of the wrong type", "", func(d map[string]any) {
		if _, ok := d["node"]; ok {
			d["node"] = json.Number("7")
		} else {
			d["old"] = json.Number("7")
		}
	}},
	{"no summary", "plan.schema.json", func(d map[string]any) { delete(d, "summary") }},
	{"an unknown action", "plan.schema.json", func(d map[string]any) { resource(d, "resources")["action"] = "replace" }},
	{"an unknown field in a resource", "plan.schema.json", func(d map[string]any) { resource(d, "resources")["colour"] = "blue" }},
	{"a resource without its address", "plan.schema.json", func(d map[string]any) { delete(resource(d, "resources"), "address") }},
	{"a summary count that is text", "plan.schema.json", func(d map[string]any) { d["summary"].(map[string]any)["create"] = "1" }},
	{"no plan_sha256", "saved-plan.schema.json", func(d map[string]any) { delete(d, "plan_sha256") }},
	{"an unknown status", "report.schema.json", func(d map[string]any) { resource(d, "resources")["status"] = "done" }},
	{"an exit code no run gives", "report.schema.json", func(d map[string]any) { d["exit_code"] = json.Number("3") }},
	{"a start that is no time", "report.schema.json", func(d map[string]any) { d["started"] = "yesterday" }},
	{"no report path", "last-run-summary.schema.json", func(d map[string]any) { delete(d, "report") }},
	{"another kind", "preview.schema.json", func(d map[string]any) { d["kind"] = "report" }},
	{"both a plan and a refusal", "preview.schema.json", func(d map[string]any) {
		if d["refused"] == nil {
			d["refused"] = "no"
		} else {
			d["plan"] = map[string]any{}
		}
	}},
	{"no nodes", "diff-catalog.schema.json", func(d map[string]any) { delete(d, "nodes") }},
	{"an unknown node status", "diff-catalog.schema.json", func(d map[string]any) { resource(d, "nodes")["status"] = "broken" }},
}

// resource is the first element of the document's list key (resources of
// a plan, a saved plan or a report, nodes of a catalog diff), or a
// throwaway map when it has none.
func resource(d map[string]any, key string) map[string]any {
	if list, ok := d[key].([]any); ok && len(list) > 0 {
		return list[0].(map[string]any)
	}
	d[key] = []any{map[string]any{}}
	return d[key].([]any)[0].(map[string]any)
}

// TestSchemasRefuse: each schema refuses a document with an unknown field,
// a value of the wrong type, a missing required field or an unknown
// enumerated value, so that validating against it means something.
func TestSchemasRefuse(t *testing.T) {
	schemas := compile(t)
	covered := map[string]bool{}
	for _, d := range documents(t) {
		for _, m := range mutations {
			if m.schema != "" && m.schema != d.schema && !(m.schema == "plan.schema.json" && d.schema == "saved-plan.schema.json") {
				continue
			}
			doc := decode(t, d.json).(map[string]any)
			m.change(doc)
			if err := schemas[d.schema].Validate(doc); err == nil {
				t.Errorf("%s with %s follows %s", d.what, m.name, d.schema)
			}
			covered[d.schema] = true
		}
	}
	for _, s := range documentSchemas {
		if !covered[s] {
			t.Errorf("no document of %s was broken", s)
		}
	}
}
