package dnsstub

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestZoneFile(t *testing.T) {
	zone := filepath.Join(t.TempDir(), "zone")
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	go NewFromZone(zone).Serve(pc)
	res := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, pc.LocalAddr().String())
	}}
	if _, err := res.LookupTXT(context.Background(), "s1._domainkey.example.test"); err == nil {
		t.Fatal("a record served before the zone file exists")
	}
	if err := os.WriteFile(zone, []byte("# test\ns1._domainkey.example.test v=DKIM1; k=rsa; p=AB\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := res.LookupTXT(context.Background(), "s1._domainkey.example.test")
	if err != nil || !reflect.DeepEqual(got, []string{"v=DKIM1; k=rsa; p=AB"}) {
		t.Fatalf("TXT %q, %v", got, err)
	}
}
