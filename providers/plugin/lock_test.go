package plugin

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestLockRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), LockFile)
	if l, err := ReadLock(path); err != nil || len(l) != 0 {
		t.Fatalf("a missing lock: %v, %v; want an empty one", l, err)
	}
	want := Lock{"motd": strings.Repeat("0f", 32), "sysctl": strings.Repeat("a1", 32)}
	if err := WriteLock(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadLock(path)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("read back %v, %v; want %v", got, err, want)
	}
}

func TestLockErrorsSayWhere(t *testing.T) {
	cases := map[string]string{
		`provider "motd" {` + "\n" + `  sha256 = "xyz"` + "\n}\n": `provider "motd": sha256 must be 64 hexadecimal digits`,
		`provider "motd" {` + "\n" + `  sha = "00"` + "\n}\n":     LockFile + ":2,3-6: Unsupported argument",
		`provider "a" { sha256 = "` + strings.Repeat("00", 32) + `" }` +
			"\n" + `provider "a" { sha256 = "` + strings.Repeat("00", 32) + `" }`: `provider "a" is pinned twice`,
	}
	for src, want := range cases {
		path := filepath.Join(t.TempDir(), LockFile)
		os.WriteFile(path, []byte(src), 0o644)
		if _, err := ReadLock(path); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", src, err, want)
		}
	}
}

func TestFindExternal(t *testing.T) {
	dir := t.TempDir()
	for name, mode := range map[string]os.FileMode{
		"tend-provider-motd":          0o755,
		"tend-provider-b_2":           0o755,
		"tend-provider-motd.dpkg-old": 0o755, // not a provider name
		"tend-provider-noexec":        0o644,
		"other":                       0o755,
	} {
		os.WriteFile(filepath.Join(dir, name), nil, mode)
	}
	os.Mkdir(filepath.Join(dir, "tend-provider-dir"), 0o755)
	found, err := FindExternal(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range found {
		names = append(names, f.Name)
	}
	if strings.Join(names, " ") != "b_2 motd" {
		t.Errorf("found %q, want b_2 and motd", names)
	}
	if found, err := FindExternal(filepath.Join(dir, "missing")); err != nil || found != nil {
		t.Errorf("a missing directory: %v, %v", found, err)
	}
}
