// Package units schedules the agent with systemd: the tend.service and
// tend.timer unit files (serialized with go-systemd's unit package), their
// installation (daemon-reload and enabling the timer over D-Bus, or, for
// a tree that has not booted, files and enablement links under a root),
// and the loop of `tend agent --daemon`, a Type=notify service that tells
// systemd it is ready, pings its watchdog and says what it is doing.
//
// The timer runs `tend agent` every Interval after the previous run
// started, plus a random delay of up to Splay so that many hosts do not
// pull at once; a boot triggers a run soon after, which also catches up
// on runs missed while the host was off.
//
// Its boundary: it knows systemd. What a run does is a function the agent
// command passes in.
package units
