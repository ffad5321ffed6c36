package fidelity

import (
	"slices"
	"testing"
)

// emailSeedPath is the documented email host, as the project keeps it.
const emailSeedPath = "../seeds/email-host.txt"

// emailHost builds the example's email catalog with throwaway keys given
// as the example keeps them (giveKeys), so the certificates are managed
// as on the documented host.
func emailHost(t *testing.T) *host {
	t.Helper()
	return exampleHost(t, "email", nil)
}

// emailChecks are the checks of every item the seed states, the
// deviations' included.
func emailChecks(t *testing.T) []check {
	t.Helper()
	seed := seedLines(t, emailSeedPath)
	certs := seedCertificates(t, quoted(t, seed, "Keys and X.509 certificates", "cacert-selfservice-api configuration"), 3)
	return slices.Concat(
		portChecks(t, seedTable(t, seed, "Listening services¶"), deviatedPorts),
		serviceChecks(seedTable(t, seed, "Running services¶"), emailDeviations),
		databaseChecks(t, seed),
		certificateChecks(certs, selfServiceCertificate),
		postfixChecks(t, seed), aliasChecks(t, seed), storageChecks(t, seed),
		sshChecks(t, "email.cacert.org.", seedTable(t, seed, "DNS¶"), seedTable(t, seed, "SSH host keys¶")),
		packageChecks(t), []check{dkimCheck(t, seed)}, deviationChecks(emailDeviations))
}

// TestEmail checks the example's email node against every configuration
// item its seed states: one subtest an item.
func TestEmail(t *testing.T) {
	runChecks(t, emailHost(t), emailChecks(t))
}

// TestEmailMutations proves each of TestEmail's checks can fail (see
// runMutations).
func TestEmailMutations(t *testing.T) {
	runMutations(t, emailHost(t), emailChecks(t))
}
