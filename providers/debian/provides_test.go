package debian

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/tendhq/tend/resources"
)

// TestFileListOfARealArchive builds a package with dpkg-deb and reads its
// file list as a plan does: directories it lists, parents of what it
// lists, files and links; a path it does not ship is not there.
func TestFileListOfARealArchive(t *testing.T) {
	if _, err := exec.LookPath("dpkg-deb"); err != nil {
		t.Skip("dpkg-deb is not installed")
	}
	src := t.TempDir()
	for _, d := range []string{"DEBIAN", "etc/tendtest/conf.d", "usr/share/doc/tendtest", "srv/with space"} {
		if err := os.MkdirAll(filepath.Join(src, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, s string) {
		if err := os.WriteFile(filepath.Join(src, p), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("DEBIAN/control", "Package: tendtest\nVersion: 1:1.0-1\nArchitecture: all\nMaintainer: t <t@tend.test>\nDescription: test\n")
	write("usr/share/doc/tendtest/copyright", "none\n")
	write("srv/with space/a file", "x\n")
	if err := os.Symlink("copyright", filepath.Join(src, "usr/share/doc/tendtest/link")); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	deb := filepath.Join(root, archivesDir, "tendtest_1%3a1.0-1_all.deb")
	if err := os.MkdirAll(filepath.Dir(deb), 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("dpkg-deb", "--root-owner-group", "--build", src, deb).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb --build: %v\n%s", err, out)
	}
	s := &system{root: root}
	a := archive{name: "tendtest", version: "1:1.0-1", deb: s.findArchive("tendtest", "1:1.0-1")}
	if a.deb != deb {
		t.Fatalf("findArchive: %q, want %q", a.deb, deb)
	}
	list, err := s.fileList(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	for need, want := range map[resources.PathNeed]bool{
		{Path: "/etc/tendtest/conf.d", Dir: true}:              true,
		{Path: "/etc/tendtest", Dir: true}:                     true,
		{Path: "/etc", Dir: true}:                              true,
		{Path: "/usr/share/doc/tendtest/copyright"}:            true,
		{Path: "/usr/share/doc/tendtest/link"}:                 true,
		{Path: "/srv/with space/a file"}:                       true,
		{Path: "/srv/with space", Dir: true}:                   true,
		{Path: "/usr/share/doc/tendtest/copyright", Dir: true}: false,
		{Path: "/etc/tendtest/conf.d"}:                         false,
		{Path: "/etc/other", Dir: true}:                        false,
	} {
		if got := list.has(need); got != want {
			t.Errorf("%s: %v, want %v", need, got, want)
		}
	}
	if got := s.findArchive("tendtest", "1.0-1"); got != "" {
		t.Errorf("another version found: %q", got)
	}
	if _, err := s.fileList(context.Background(), archive{name: "gone", version: "1"}); err == nil {
		t.Error("a package not downloaded has a file list")
	}
	if list.scripts {
		t.Error("an archive without maintainer scripts has some")
	}
	write("DEBIAN/postinst", "#!/bin/sh\nmkdir -p /etc/made-by-postinst\n")
	if err := os.Chmod(filepath.Join(src, "DEBIAN/postinst"), 0o755); err != nil {
		t.Fatal(err)
	}
	scripted := filepath.Join(root, archivesDir, "tendtest_2.0_all.deb")
	if out, err := exec.Command("dpkg-deb", "--root-owner-group", "--build", src, scripted).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb --build: %v\n%s", err, out)
	}
	withScripts, err := s.fileList(context.Background(), archive{name: "tendtest", version: "2.0", deb: scripted})
	if err != nil || !withScripts.scripts {
		t.Fatalf("an archive with a postinst: scripts %v, %v", withScripts != nil && withScripts.scripts, err)
	}
}

// TestProvision decides from file lists: shipped wins, then a list not
// known, then maintainer scripts; otherwise nothing creates the path.
func TestProvision(t *testing.T) {
	dir := resources.PathNeed{Path: "/etc/app", Dir: true}
	ships := &debFiles{dirs: map[string]bool{"/etc/app": true}, files: map[string]bool{}}
	plain := &debFiles{dirs: map[string]bool{"/usr": true}, files: map[string]bool{}}
	scripts := &debFiles{dirs: map[string]bool{}, files: map[string]bool{}, scripts: true}
	app := archive{name: "app", version: "1", deb: "/c/app_1_all.deb"}
	lib := archive{name: "libapp", version: "1", deb: "/c/libapp_1_all.deb"}
	for _, c := range []struct {
		lists map[archive]*debFiles
		want  resources.Provision
		note  string
	}{
		{map[archive]*debFiles{app: plain, lib: ships}, resources.Creates, "libapp_1_all.deb ships it"},
		{map[archive]*debFiles{app: nil, lib: ships}, resources.Creates, "libapp_1_all.deb ships it"},
		{map[archive]*debFiles{app: nil, lib: scripts}, resources.MayCreate, "the file list of app is known once it is downloaded: apt-get install --download-only app"},
		{map[archive]*debFiles{app: nil, lib: nil}, resources.MayCreate, "the file lists of app, libapp are known once they are downloaded: apt-get install --download-only app"},
		{map[archive]*debFiles{app: scripts, lib: plain}, resources.MayCreate, "no archive ships it, but the maintainer scripts of app may create it"},
		{map[archive]*debFiles{app: plain, lib: plain}, resources.NotCreated, ""},
		{map[archive]*debFiles{}, resources.NotCreated, ""},
	} {
		if got, note := provision("app", c.lists, dir); got != c.want || note != c.note {
			t.Errorf("%v: %v %q, want %v %q", c.lists, got, note, c.want, c.note)
		}
	}
}
