package resources

import "context"

// PathNeed is a path under the root that a change needs and that does
// not exist yet: the directory a file is written in, the source a table
// is built from. Paths are managed paths (without the root).
type PathNeed struct {
	Path string `json:"path"`
	// Dir is set when Path must be a directory.
	Dir bool `json:"dir,omitempty"`
	// Outermost is the outermost missing directory on the way to Path,
	// when it is not Path itself (nothing below a missing directory
	// exists either).
	Outermost string `json:"outermost,omitempty"`
}

func (n PathNeed) String() string {
	what := "file " + n.Path
	if n.Dir {
		what = "directory " + n.Path
	}
	if n.Outermost != "" && n.Outermost != n.Path {
		what += " (nor " + n.Outermost + ")"
	}
	return what
}

// Provision says whether applying a planned change creates a path.
type Provision int

const (
	// NotCreated: applying the change does not create the path.
	NotCreated Provision = iota
	// MayCreate: it may; what it creates is not known before it runs (a
	// package whose archive has not been downloaded yet).
	MayCreate
	// Creates: applying the change creates the path.
	Creates
)

// PathCreator is implemented by resources whose Apply creates paths
// that other resources need (Change.MissingPaths): a directory or a file
// resource, a package whose archive ships directories. CreatesPath
// answers for the change the resource planned, and says in a few words
// how it knows or why it cannot ("hello_2.10-2_amd64.deb ships it"); the
// plan shows that note. The engine calls it during a plan only, after
// the resource's own Plan; it must not change anything.
type PathCreator interface {
	CreatesPath(ctx context.Context, planned Change, need PathNeed) (Provision, string)
}
