package fidelity

import (
	"strings"
)

// deviation is an item of a seed the example deliberately does not
// reproduce, or reproduces differently; README.md explains each under its
// item, in the host's section. holds, when set, reports when the catalog
// no longer deviates (then the deviation is to be replaced by a check);
// inject makes it so. mayRun: the item is a running service the catalog
// need not hold, but may.
type deviation struct {
	item   string
	reason string
	holds  func(p *probe)
	inject func(h *host)
	mayRun bool
}

// The deviations both documented hosts share.
var (
	puppetDeviation = deviation{item: "Puppet agent",
		reason: "tend is the configuration agent; it runs the catalog and is not part of it, nor is a Puppet master",
		holds:  absentPuppet, inject: func(h *host) { h.add(kindPackage, "name", "puppet-agent") }}
	dbusDeviation = deviation{item: "dbus-daemon",
		reason: "the system bus comes with Debian's systemd and starts on demand; nothing of it is configured",
		mayRun: true}
	sshfpDeviation = deviation{item: "SSHFP fingerprints",
		reason: "the host's real keys are not public: the algorithms the SSHFP records name are checked, not the fingerprints"}
	locationDeviation = deviation{item: "location and addresses",
		reason: "container, IP and MAC addresses, DNS records and administrators are outside a node's configuration"}
)

// deviated is the deviation of devs concerning a seed item (a port's or
// service's name), if any.
func deviated(devs []deviation, item string) (deviation, bool) {
	for _, d := range devs {
		if strings.EqualFold(d.item, item) {
			return d, true
		}
	}
	return deviation{}, false
}

// deviationChecks check that the deviations still hold.
func deviationChecks(devs []deviation) []check {
	var out []check
	for _, d := range devs {
		if d.holds != nil {
			out = append(out, check{name: "deviation/" + d.item, run: d.holds, inject: d.inject})
		}
	}
	return out
}

func absentPuppet(p *probe) {
	for _, r := range p.h.res {
		if strings.HasPrefix(r.attrs["name"], "puppet") {
			p.errorf("%s manages Puppet, which tend replaces", r.addr)
		}
	}
}
