package pki

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"
)

// dkimDNSTimeout bounds dns_check's lookup, so an unreachable resolver
// delays a run by seconds, not minutes.
const dkimDNSTimeout = 5 * time.Second

// readDNS says how the record DNS serves compares with the key:
// "matches", "differs", "missing" or "unknown (why)". With no key yet,
// any published record differs from the key to come.
func (r *dkimKey) readDNS(ctx context.Context, pub *dkimPublic) string {
	ctx, cancel := context.WithTimeout(ctx, dkimDNSTimeout)
	defer cancel()
	txts, err := r.lookupTXT(ctx, r.selector+"._domainkey."+r.domain+".")
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return "missing"
	case err != nil:
		return "unknown (" + err.Error() + ")"
	case len(txts) == 0:
		return "missing"
	case len(txts) > 1 || pub == nil:
		return "differs"
	}
	if ok, _ := pub.matchRecord(txts[0]); ok {
		return "matches"
	}
	return "differs"
}

// dnsLookup asks the configured resolver, or the root's first
// nameserver, with Go's own resolver: never the host's stub
// configuration, which may not be the root's.
func (r *dkimKey) dnsLookup(ctx context.Context, name string) ([]string, error) {
	server := r.resolver
	if server == "" {
		var err error
		if server, err = r.rootNameserver(); err != nil {
			return nil, err
		}
	}
	res := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, server)
	}}
	txts, err := res.LookupTXT(ctx, name)
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		// Go names the host's resolver, which Dial never used.
		dnsErr.Server = server
	}
	return txts, err
}

// rootNameserver reads the first nameserver of the root's resolv.conf.
func (r *dkimKey) rootNameserver() (string, error) {
	path := r.env.Path("/etc/resolv.conf")
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("no resolver: %v", err)
	}
	for line := range strings.Lines(string(data)) {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "nameserver" && net.ParseIP(f[1]) != nil {
			return net.JoinHostPort(f[1], "53"), nil
		}
	}
	return "", fmt.Errorf("no nameserver in %s", path)
}
