package preview

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/tendhq/tend/testfixtures/hostile"
)

// FuzzSummary reads fuzzed bytes as a preview report collected from a
// host and summarizes it, as tend preview-summary does: it is read or
// skipped, never a crash.
func FuzzSummary(f *testing.F) {
	for _, b := range hostile.JSON("kind", "ref", "host", "plan", "resources", "content", "hunks", "lines", "refused") {
		f.Add(b)
	}
	f.Add([]byte(`{"format_version":1,"kind":"preview","ref":"x","plan":{"resources":[{"address":"a","action":"update","content":{"binary":true},"attrs":[{"name":"n"}]},{"address":"b","action":"bogus"},{"address":"c","error":""}]}}`))
	f.Add([]byte(`{"format_version":1,"kind":"preview","ref":"x","plan":{"resources":[{"action":"create","content":{"hunks":[{"lines":[{"op":"+"},{"op":"-","text":"\n\n"}]}]}}]},"source":{"id":"\u0000"}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "x.json"), b, 0o600); err != nil {
			t.Fatal(err)
		}
		fl, err := Collect(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(fl.Hosts)+len(fl.Skipped) != 1 {
			t.Fatalf("the file was neither read nor skipped: %+v", fl)
		}
		fl.Write(io.Discard)
		fl.Failed()
	})
}
