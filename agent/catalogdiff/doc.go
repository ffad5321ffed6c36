// Package catalogdiff compares what two commits of a node repository ask
// of every node: the desired state only, evaluated without a host, as a
// merge request's review wants it.
//
// Each commit is exported from the local git repository with git archive
// into a temporary directory (the repository itself is not touched),
// opened with the config package and every node's catalog evaluated; the
// report lists per node the resources added and removed and the
// attributes whose desired value differs. Values of sensitive attributes
// are masked, and multi-line values diffed, by the same code that builds a
// plan's changes (resources.NewAttrChange, resources.DiffText), and what
// is printed goes through the redactor of every secret either side met.
//
// Its boundary: it reads git and evaluates configuration; it never reads
// the host, and the CLI parses flags and prints.
package catalogdiff
