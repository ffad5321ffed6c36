package dnsstub

import (
	"net"
	"os"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/dns/dnsmessage"
)

// Server answers on a loopback UDP port until the test ends.
type Server struct {
	addr    string
	mu      sync.Mutex
	records map[string][]string // lower-case name with final dot -> strings of its one TXT record
	zone    string              // when set, records are read from this file for every query
	// ServFail answers names without a record with SERVFAIL, as an
	// unreachable upstream would, instead of NXDOMAIN: mail for them is
	// deferred rather than bounced.
	ServFail bool
}

// Start serves on 127.0.0.1 on a free port; it stops in t.Cleanup.
func Start(t testing.TB) *Server {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	s := &Server{addr: pc.LocalAddr().String(), records: map[string][]string{}}
	go s.Serve(pc)
	return s
}

// NewFromZone returns a server whose records are read from a zone file
// before every answer, so that a test can publish a record by writing
// the file. Each line is "NAME VALUE" (VALUE may hold spaces); blank
// lines and lines starting with # are ignored.
func NewFromZone(zone string) *Server {
	return &Server{records: map[string][]string{}, zone: zone}
}

// Addr is the server's "IP:port".
func (s *Server) Addr() string { return s.addr }

// SetTXT makes value the one TXT record of name (a trailing dot is
// optional), split into the at most 255-byte strings DNS carries.
func (s *Server) SetTXT(name, value string) {
	s.SetStrings(name, Strings(value))
}

// SetStrings serves strs as the one TXT record of name; nil removes the
// name.
func (s *Server) SetStrings(name string, strs []string) {
	name = strings.ToLower(strings.TrimSuffix(name, ".") + ".")
	s.mu.Lock()
	defer s.mu.Unlock()
	if strs == nil {
		delete(s.records, name)
		return
	}
	s.records[name] = strs
}

// Strings splits a record value into the strings a TXT record holds.
func Strings(v string) []string {
	var out []string
	for len(v) > 255 {
		out = append(out, v[:255])
		v = v[255:]
	}
	return append(out, v)
}

// Serve answers queries on pc until it is closed.
func (s *Server) Serve(pc net.PacketConn) {
	buf := make([]byte, 1500)
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			return
		}
		if resp, err := s.answer(buf[:n]); err == nil {
			_, _ = pc.WriteTo(resp, from)
		}
	}
}

func (s *Server) answer(query []byte) ([]byte, error) {
	var p dnsmessage.Parser
	h, err := p.Start(query)
	if err != nil {
		return nil, err
	}
	q, err := p.Question()
	if err != nil {
		return nil, err
	}
	if s.zone != "" {
		s.loadZone()
	}
	s.mu.Lock()
	strs, ok := s.records[strings.ToLower(q.Name.String())]
	s.mu.Unlock()
	rh := dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true, RecursionAvailable: true}
	switch {
	case !ok && s.ServFail:
		rh.RCode = dnsmessage.RCodeServerFailure
	case !ok:
		rh.RCode = dnsmessage.RCodeNameError
	}
	b := dnsmessage.NewBuilder(nil, rh)
	if err := b.StartQuestions(); err != nil {
		return nil, err
	}
	if err := b.Question(q); err != nil {
		return nil, err
	}
	if ok && q.Type == dnsmessage.TypeTXT {
		if err := b.StartAnswers(); err != nil {
			return nil, err
		}
		hdr := dnsmessage.ResourceHeader{Name: q.Name, Type: dnsmessage.TypeTXT, Class: dnsmessage.ClassINET, TTL: 60}
		if err := b.TXTResource(hdr, dnsmessage.TXTResource{TXT: strs}); err != nil {
			return nil, err
		}
	}
	return b.Finish()
}

// loadZone replaces the records with the zone file's; a missing file
// serves nothing.
func (s *Server) loadZone() {
	data, _ := os.ReadFile(s.zone)
	records := map[string][]string{}
	for line := range strings.Lines(string(data)) {
		line = strings.TrimSpace(line)
		name, value, ok := strings.Cut(line, " ")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		records[strings.ToLower(strings.TrimSuffix(name, ".")+".")] = Strings(strings.TrimSpace(value))
	}
	s.mu.Lock()
	s.records = records
	s.mu.Unlock()
}
