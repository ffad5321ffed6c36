// Package logging gives the agent a log/slog logger that writes to the
// systemd journal with structured fields when journald is there, and
// plain text to standard error otherwise (or when a journal write fails).
//
// An attribute "run_id" becomes the journal field TEND_RUN_ID, a group
// "g" with "k" becomes TEND_G_K; the level becomes PRIORITY, the message
// MESSAGE, and SYSLOG_IDENTIFIER is "tend", so
// `journalctl SYSLOG_IDENTIFIER=tend TEND_NODE=mx1` finds a node's runs.
//
// It formats and sends what it is given and cannot tell a secret from
// anything else: callers log addresses, actions, reasons and errors as
// the plan renderer and the report already show them (masked), never
// attribute values.
package logging
