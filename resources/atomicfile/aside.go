package atomicfile

import (
	"os"
	"time"
)

// asideSuffix names where a damaged state file, or whatever is in the way
// of one, is moved: beside it, as NAME.damaged-TIME (UTC, to the
// nanosecond), kept for the admin to look at.
func asideSuffix() string {
	return ".damaged-" + time.Now().UTC().Format("20060102T150405.000000000Z")
}

// MoveAside renames path to PATH.damaged-TIME and returns that name; the
// error is os.Rename's.
func MoveAside(path string) (string, error) {
	aside := path + asideSuffix()
	return aside, os.Rename(path, aside)
}

// MoveAside renames name in d to NAME.damaged-TIME and returns that name.
func (d *Dir) MoveAside(name string) (string, error) {
	aside := name + asideSuffix()
	return aside, d.Rename(name, aside)
}
