# /etc/tend/agent.hcl: the tend agent's settings, read by every scheduled
# run (tend.timer starts tend.service, which runs tend agent). Flags given
# to tend agent override them. Every attribute is optional, but a run
# needs a source and signers: until both are set here, runs fail.
# See tend(8).

# The node repository: a path, file://, ssh://, user@host:path or https://.
# source = "ssh://git@git.internal/nodes.git"

# The branch or tag to follow.
# ref = "main"

# The allowlist of signing keys: a file, or a directory of files, of
# armored OpenPGP public keys and SSH allowed-signers lines. Only commits
# signed by one of them are applied.
# signers = "/etc/tend/signers"

# The node to converge (default: the host name).
# node = "mx1"

# tend's state directory: reports, the last known good commit, the
# source cache, the disable.
# state_dir = "/var/lib/tend"

# How many resources to work on at once.
# parallel = 4

# Accept a commit older than the last applied one (a rollback).
# allow_rollback = false

# When another run holds the lock, wait this long for it.
# wait_for_lock = "0s"

# Refuse a repository file larger than this ("64MiB", "512KiB" or bytes).
# max_file_size = "64MiB"

# After each run, preview the source's branches whose names match one of
# these patterns ("*" does not cross a "/"): plan their signed tips for
# this host, apply nothing, write /var/lib/tend/previews/REF.json and the
# preview metrics. None by default.
# preview_refs = ["preview/*"]

# Stop previewing a branch whose tip was committed longer ago than this;
# its preview report is then removed.
# preview_for = "72h"
