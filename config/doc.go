// Package config turns a node repository into a catalog: the resource
// instances one node gets, with their attribute values, their dependency
// graph and where every value came from.
//
// A node repository holds node files (nodes/*.hcl), role files
// (roles/*.hcl), data layers (data/common.hcl, data/roles/ROLE.hcl,
// data/nodes/NODE.hcl) and its own modules (modules/NAME/*.hcl). Modules
// not found there come from the library compiled into tend.
//
// The package owns parsing, evaluation (variables, locals, data layers,
// module calls, for_each, functions, sensitive values), schema checks of
// resource attributes against the kinds in a resources.Registry, conflict
// and cycle detection, and the rendering of diagnostics. It never touches
// the host: nothing here reads managed files or runs provider code beyond
// Kind.Schema, Kind.Identities and Kind.Order.
package config
