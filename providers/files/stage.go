package files

import (
	"github.com/tendhq/tend/providers/files/atomicfile"
)

// staged is a new file content written complete, with its final owner
// and mode and synced, into a temporary file beside its target, and not
// yet renamed into place: commit renames it, abort removes it. It is made
// with atomicfile.WriteFile, whose Validate hook holds the write between
// the complete temporary file and the rename until the group decides, so
// every guarantee of WriteFile holds for each member.
type staged struct {
	tmp    string
	decide chan func() error
	done   chan error
}

// stage writes data beside path and returns once the temporary file is
// complete and check (when set) accepted it, or with the error that
// stopped it (the temporary file then is already removed). Every staged
// file must be committed or aborted.
func stage(path string, data []byte, opts atomicfile.Options, check func(tmp string) error) (*staged, error) {
	s := &staged{decide: make(chan func() error), done: make(chan error, 1)}
	ready := make(chan string, 1)
	opts.Validate = func(tmp string) error {
		if check != nil {
			if err := check(tmp); err != nil {
				return err
			}
		}
		ready <- tmp
		return (<-s.decide)()
	}
	go func() { s.done <- atomicfile.WriteFile(path, data, opts) }()
	select {
	case s.tmp = <-ready:
		return s, nil
	case err := <-s.done:
		return nil, err
	}
}

// commit runs before (such as a backup of the live content) and, when it
// succeeds, renames the temporary file over the target.
func (s *staged) commit(before func() error) error {
	s.decide <- before
	return <-s.done
}

// abort removes the temporary file and leaves the target untouched.
func (s *staged) abort(why error) {
	s.decide <- func() error { return why }
	<-s.done
}
