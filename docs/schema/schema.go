// Package schema holds the JSON Schemas (draft 2020-12) of the JSON
// documents tend writes for others to read: the plan (`tend plan --json`),
// the saved plan (`tend plan --out`), the run report and the last run
// summary, the preview report and the catalog diff (`tend diff-catalog
// --json`); change.schema.json holds the definitions they share.
// docs/JSON.md describes them. The Debian package installs Files under
// /usr/share/tend/schema.
//
// The tests here validate documents made by tend's own code against the
// schemas, and check that every JSON field of the Go types writing them
// is in the schema, and every property of the schema in the Go types.
package schema

import "embed"

// Files are the schemas, by file name.
//
//go:embed *.schema.json
var Files embed.FS
