// Package preview reads the preview reports an administrator collected
// from hosts (`tend agent --preview REF` writes one per ref into each
// host's STATE/previews/) and summarizes them per host: which ref and
// commit, how many resources would change, whether the preview failed,
// and the first lines of each diff. It only reads; which files to read
// is the caller's choice of directory.
package preview
