// Package scratchroot prepares a scratch directory to stand in for a
// Debian host under `tend plan --root`: it holds the dpkg database and the
// accounts a host has once a node's packages are installed, and nothing
// else, so the plan shows the node's configuration on its own.
//
// WriteCertificate makes the throwaway certificates (chain and key) that
// tests give the node repositories under test.
//
// Its boundary: it writes only inside the directories it is given and never
// runs apt or dpkg. The packages are recorded as installed without any of
// their files, so a plan against the root is meaningful but an apply is
// not; end-to-end tests use real containers instead.
package scratchroot
