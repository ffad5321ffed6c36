// Package source fetches a node repository from git and hands the agent a
// checkout of a commit only after that commit's signature verified against
// an allowlist of signing keys.
//
// The steps are separate so the agent can report each one: Fetch mirrors
// the remote into a bare repository in the cache and resolves the ref;
// Verify checks the commit's OpenPGP or SSH signature (git verify-commit
// with a keyring built from the allowlist; ssh-keygen -Y on the signed
// payload, so SSH signatures verify even with a git older than 2.34);
// CheckRollback refuses a commit that is not a descendant of the last
// applied one; Checkout writes the files of a verified commit, and nothing
// else, into a fresh root-only directory. MarkGood records the commit that
// validated and was applied as the last known good, which LastKnownGood
// returns when the tip cannot be used.
//
// Every git, gpg and ssh-keygen call runs with a private HOME and keyring,
// without the system's or the user's git configuration, credential helpers
// or prompts, under a timeout that kills its whole process group.
//
// Its boundary: it knows git, signatures and the cache directory. It does
// not evaluate the checkout (the config package does), take the run lock
// or decide what to apply when the tip is refused (the agent does).
package source
