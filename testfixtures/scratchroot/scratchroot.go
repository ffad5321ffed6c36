package scratchroot

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// account is a system user and its group, as the Debian package that
// creates it would.
type account struct {
	name string
	id   int
	// groups lists further groups the package creates (empty memberships).
	groups []string
}

// accounts are what installing the mail packages creates on Debian 11,
// with fixed ids so plans are stable.
var accounts = []account{
	{name: "postfix", id: 101, groups: []string{"postdrop"}},
	{name: "opendkim", id: 102},
	{name: "dovecot", id: 103},
	{name: "dovenull", id: 104},
	{name: "mysql", id: 105},
	{name: "vmail", id: 106},
}

// extraGroups are groups without a user of their name.
var extraGroups = []string{"ssl-cert", "postdrop"}

// Prepare writes dir/var/lib/dpkg/status listing packages as installed,
// and dir/etc/passwd, group, shadow and gshadow with root and the system
// accounts the mail packages create. Existing files are replaced.
func Prepare(dir string, packages []string) error {
	// dpkg's own entry is how tend learns the native architecture.
	pkgs := append([]string{"dpkg"}, packages...)
	slices.Sort(pkgs)
	pkgs = slices.Compact(pkgs)
	var status strings.Builder
	for _, p := range pkgs {
		fmt.Fprintf(&status, "Package: %s\nStatus: install ok installed\nPriority: optional\nSection: misc\n"+
			"Maintainer: scratch root <root@localhost>\nArchitecture: amd64\nVersion: 0-scratch\n"+
			"Description: recorded as installed by scratchroot\n\n", p)
	}
	files := map[string]string{"var/lib/dpkg/status": status.String()}
	for name, content := range accountFiles() {
		files["etc/"+name] = content
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			return err
		}
	}
	return os.MkdirAll(filepath.Join(dir, "var/lib/dpkg/updates"), 0o755)
}

// accountFiles renders passwd, group, shadow and gshadow.
func accountFiles() map[string]string {
	passwd := "root:x:0:0:root:/root:/bin/bash\n"
	group := "root:x:0:\n"
	shadow := "root:*:19000:0:99999:7:::\n"
	gshadow := "root:*::\n"
	for _, a := range accounts {
		passwd += fmt.Sprintf("%s:x:%d:%d::/nonexistent:/usr/sbin/nologin\n", a.name, a.id, a.id)
		group += fmt.Sprintf("%s:x:%d:\n", a.name, a.id)
		shadow += a.name + ":*:19000:0:99999:7:::\n"
		gshadow += a.name + ":!::\n"
	}
	for i, g := range extraGroups {
		group += fmt.Sprintf("%s:x:%d:\n", g, 200+i)
		gshadow += g + ":!::\n"
	}
	return map[string]string{"passwd": passwd, "group": group, "shadow": shadow, "gshadow": gshadow}
}
