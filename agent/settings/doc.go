// Package settings reads the agent's configuration file,
// /etc/tend/agent.hcl: where the node repository comes from, whom to
// trust, and the defaults of `tend agent`'s flags. Flags override it.
//
//	source         = "ssh://git@git.internal/nodes.git"
//	ref            = "main"
//	signers        = "/etc/tend/signers"
//	node           = "mx1"
//	state_dir      = "/var/lib/tend"
//	parallel       = 4
//	allow_rollback = false
//	wait_for_lock  = "0s"
//	max_file_size  = "64MiB"
//
// Every attribute is optional; an unknown one, a wrong type or a bad
// duration is an hcl diagnostic with file:line:col.
//
// Its boundary: it decodes the file. It neither looks at the repository
// nor checks that the paths exist; the agent command does.
package settings
