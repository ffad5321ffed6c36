package source

import (
	"fmt"
)

// UnreachableError says the repository could not be fetched: the caller
// may fall back to the last known good commit.
type UnreachableError struct {
	URL string
	Err error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("source %s is unreachable: %v", e.URL, e.Err)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// RefError says the repository has no branch or tag of that name.
type RefError struct {
	URL, Ref string
}

func (e *RefError) Error() string {
	return fmt.Sprintf("source %s has no branch or tag %q", e.URL, e.Ref)
}

// Problem is what is wrong with a commit's signature.
type Problem int

const (
	// Unsigned: the commit carries no signature.
	Unsigned Problem = iota + 1
	// UnknownKey: signed, but by a key that is not in the allowlist.
	UnknownKey
	// BadSignature: the signature does not match the commit, or its key
	// is expired or revoked, or its kind is not supported.
	BadSignature
)

func (p Problem) String() string {
	switch p {
	case Unsigned:
		return "unsigned"
	case UnknownKey:
		return "unknown key"
	case BadSignature:
		return "bad signature"
	}
	return "invalid signature"
}

// SignatureError refuses a commit whose signature did not verify.
type SignatureError struct {
	Commit  string
	Problem Problem
	// Detail is what the verifier said, e.g. the unknown key's id.
	Detail string
}

func (e *SignatureError) Error() string {
	msg := map[Problem]string{
		Unsigned:     "is not signed",
		UnknownKey:   "is signed by a key that is not in the allowlist",
		BadSignature: "has a bad signature",
	}[e.Problem]
	if msg == "" {
		msg = "has an invalid signature"
	}
	s := fmt.Sprintf("refusing commit %s: it %s", short(e.Commit), msg)
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	return s
}

// RollbackError refuses a commit that is not a descendant of the last
// applied one.
type RollbackError struct {
	Commit, Applied string
	// Rewritten is true when the commit is not an ancestor of the applied
	// one either: the history was rewritten (or the applied commit is no
	// longer known).
	Rewritten bool
}

func (e *RollbackError) Error() string {
	if e.Rewritten {
		return fmt.Sprintf("refusing commit %s: it does not descend from the last applied commit %s (history rewritten); --allow-rollback accepts it",
			short(e.Commit), short(e.Applied))
	}
	return fmt.Sprintf("refusing commit %s: it is older than the last applied commit %s (a rollback); --allow-rollback accepts it",
		short(e.Commit), short(e.Applied))
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
