// Package preview reads the preview reports an administrator collected
// from hosts (`tend agent --preview REF`, and scheduled runs for the
// branches matching preview_refs, write one per ref into each host's
// STATE/previews/) and summarizes them per host: which ref and commit,
// how many resources would change, whether the preview failed, and the
// first lines of each diff. It only reads; which files to read is the
// caller's choice of directory. Schedule decides which branches a
// scheduled run previews and which of its reports are stale.
package preview
