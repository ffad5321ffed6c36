package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"
)

var stubBuild shared

// dnsStubBinary builds the static DNS stub once per test binary.
func dnsStubBinary(t *testing.T) string {
	return stubBuild.get(t, "dnsstub", staticBinary("github.com/tendhq/tend/testfixtures/dnsstub/cmd/dnsstub", "dnsstub"))
}

// startDNS runs the DNS stub inside the booted container on 127.0.0.1:53
// and makes it the container's resolver: names it has no record for fail
// as with an unreachable upstream (SERVFAIL), so mail waits in the queue
// and nothing ever leaves the container's network namespace.
func (h *host) startDNS() {
	h.c.CopyIn(h.t, dnsStubBinary(h.t), "/usr/local/bin/dnsstub")
	h.sh("printf 'nameserver 127.0.0.1\\n' > /etc/resolv.conf")
	h.sh("systemd-run --unit=dnsstub /usr/local/bin/dnsstub -servfail -listen 127.0.0.1:53 -zone /srv/dnsstub.zone")
}

// publishTXT serves value as the TXT record of name.
func (h *host) publishTXT(name, value string) {
	h.writeRoot("/srv/dnsstub.zone", name+" "+value+"\n")
}

// writeRoot writes a file into the container's root file system.
func (h *host) writeRoot(path, text string) {
	p := filepath.Join(h.c.Root(), path)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		h.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		h.t.Fatal(err)
	}
}

// readRoot reads a file of the container's root file system.
func (h *host) readRoot(path string) string {
	b, err := os.ReadFile(filepath.Join(h.c.Root(), path))
	if err != nil {
		h.t.Fatal(err)
	}
	return string(b)
}

// txtRecordValue joins the quoted strings of an opendkim-genkey .txt file.
func txtRecordValue(file string) string {
	var parts []string
	for _, m := range regexp.MustCompile(`"([^"]*)"`).FindAllStringSubmatch(file, -1) {
		parts = append(parts, m[1])
	}
	return strings.Join(parts, "")
}

// queued returns the queue ids of the messages waiting in Postfix's queue
// for recipient.
func (h *host) queued(recipient string) []string {
	var ids []string
	for _, line := range strings.Split(h.sh("postqueue -j"), "\n") {
		var m struct {
			ID         string `json:"queue_id"`
			Recipients []struct {
				Address string `json:"address"`
			} `json:"recipients"`
		}
		if line == "" || json.Unmarshal([]byte(line), &m) != nil {
			continue
		}
		for _, r := range m.Recipients {
			if r.Address == recipient {
				ids = append(ids, m.ID)
			}
		}
	}
	return ids
}

// verifyDKIM checks every DKIM-Signature of msg against record, the only
// TXT record the verifier may see, and returns the signing domains.
func verifyDKIM(t *testing.T, msg, record string) []string {
	t.Helper()
	lookup := func(string) ([]string, error) { return []string{record}, nil }
	vs, err := dkim.VerifyWithOptions(strings.NewReader(msg), &dkim.VerifyOptions{LookupTXT: lookup})
	if err != nil {
		t.Fatalf("DKIM verification: %v", err)
	}
	var domains []string
	for _, v := range vs {
		if v.Err != nil {
			t.Fatalf("DKIM signature of %s does not verify: %v\n%s", v.Domain, v.Err, msg)
		}
		domains = append(domains, v.Domain)
	}
	return domains
}

// waitQueued waits for mail to recipient to be in the queue and returns
// its queue ids.
func (h *host) waitQueued(recipient string) []string {
	h.t.Helper()
	for range 50 {
		if ids := h.queued(recipient); len(ids) > 0 {
			return ids
		}
		time.Sleep(200 * time.Millisecond)
	}
	h.t.Fatalf("no mail for %s in the queue:\n%s", recipient, h.sh("postqueue -p"))
	return nil
}

// message is the queued message's headers and body as postcat shows
// them, without its record markers.
func (h *host) message(id string) string {
	h.t.Helper()
	out, errOut, err := h.c.Exec(h.t.Context(), "postcat", "-bh", "-q", id)
	if err != nil {
		h.t.Fatalf("postcat -bh -q %s: %v\n%s%s", id, err, out, errOut)
	}
	var lines []string
	for _, l := range strings.SplitAfter(out, "\n") {
		if !strings.HasPrefix(l, "*** ") {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "")
}
