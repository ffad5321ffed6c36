package source

import (
	"os"
	"testing"

	"github.com/tendhq/tend/testfixtures/hostile"
)

// FuzzLastKnownGood reads fuzzed bytes as last_known_good.json: either a
// record naming a commit, or an error saying the file is damaged.
func FuzzLastKnownGood(f *testing.F) {
	for _, b := range hostile.JSON("commit", "signer", "recorded") {
		f.Add(b)
	}
	f.Add([]byte(`{"commit":"0123456789abcdef0123456789abcdef01234567","signer":{"Kind":"ssh","Fingerprint":"SHA256:x","Name":"alice"},"recorded":"2026-01-02T03:04:05Z"}`))
	f.Add([]byte(`{"commit":"../../etc/passwd"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s := &Source{cfg: Config{Dir: t.TempDir()}}
		if err := os.WriteFile(s.statePath(), b, 0o600); err != nil {
			t.Fatal(err)
		}
		st, ok, err := s.readState()
		if err == nil && (!ok || !commitID.MatchString(st.Commit)) {
			t.Fatalf("read %q as a last known good commit", st.Commit)
		}
	})
}
