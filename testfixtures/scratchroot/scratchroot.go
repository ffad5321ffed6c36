package scratchroot

import (
	"fmt"
	"maps"
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
	{name: "nagios", id: 107},
}

// extraGroups are groups without a user of their name.
var extraGroups = []string{"ssl-cert", "postdrop"}

// baseDirs are directories of every Debian 11 system that tend's
// modules write in (the minimal root file system the container tests
// boot has them).
var baseDirs = []string{"/home", "/srv", "/etc/apt/apt.conf.d", "/etc/apt/sources.list.d", "/etc/apt/preferences.d", "/etc/default", "/etc/init.d", "/etc/logrotate.d", "/etc/cron.daily",
	"/etc/pam.d", "/etc/security", "/etc/systemd/system", "/var/lib", "/var/log", "/var/spool", "/var/cache"}

// shipped are the directories under /etc and /var that installing each
// package the example installs creates on Debian 11, with what it pulls
// in (dpkg-deb --contents of the bullseye archives): a host with the
// package installed has them, so a plan against the scratch root finds
// them as it would there.
var shipped = map[string][]string{
	"postfix": {"/etc/postfix", "/etc/postfix/sasl", "/etc/postfix/dynamicmaps.cf.d", "/etc/postfix/postfix-files.d",
		"/etc/rsyslog.d", "/var/lib/postfix", "/var/spool/postfix", "/var/spool/postfix/dev", "/var/spool/postfix/etc",
		"/var/spool/postfix/lib", "/var/spool/postfix/usr"},
	"postfix-pcre":  {"/etc/postfix", "/etc/postfix/postfix-files.d"},
	"postfix-mysql": {"/etc/postfix", "/etc/postfix/postfix-files.d"},
	"opendkim":      {"/etc/dkimkeys", "/etc/mail"},
	"dovecot-core":  {"/etc/dovecot", "/etc/dovecot/conf.d", "/etc/dovecot/private", "/var/lib/dovecot"},
	// mariadb-server-10.5, mariadb-common and mysql-common
	"mariadb-server": {"/etc/mysql", "/etc/mysql/mariadb.conf.d", "/etc/mysql/conf.d"},
	"rsyslog":        {"/etc/rsyslog.d", "/var/spool/rsyslog"},
	"logrotate":      {"/etc/logrotate.d", "/var/lib/logrotate"},
	"etckeeper":      {"/etc/etckeeper", "/etc/apt/apt.conf.d"},
	// nginx-common
	"nginx": {"/etc/nginx", "/etc/nginx/conf.d", "/etc/nginx/modules-available", "/etc/nginx/modules-enabled",
		"/etc/nginx/sites-available", "/etc/nginx/sites-enabled", "/etc/nginx/snippets", "/var/lib/nginx",
		"/var/log/nginx", "/var/www", "/var/www/html"},
	"fail2ban": {"/etc/fail2ban", "/etc/fail2ban/action.d", "/etc/fail2ban/fail2ban.d", "/etc/fail2ban/filter.d",
		"/etc/fail2ban/jail.d", "/var/lib/fail2ban"},
	// icinga2-common
	"icinga2": {"/etc/icinga2", "/etc/icinga2/conf.d", "/etc/icinga2/features-available", "/etc/icinga2/features-enabled",
		"/etc/icinga2/zones.d", "/var/lib/icinga2", "/var/log/icinga2"},
	"openssh-server": {"/etc/ssh", "/etc/ssh/sshd_config.d", "/etc/default", "/etc/pam.d"},
	"sudo":           {"/etc/sudoers.d"},
	"cron":           {"/etc/cron.d", "/var/spool/cron"},
}

// scripted are files the packages' maintainer scripts create (they are
// in no archive's file list): postfix's postinst writes /etc/aliases when
// there is none.
var scripted = map[string]map[string]string{
	"postfix": {"etc/aliases": "postmaster:    root\n"},
}

// Prepare writes dir/var/lib/dpkg/status listing packages as installed,
// and dir/etc/passwd, group, shadow and gshadow with root and the system
// accounts the mail packages create, creates the directories the
// packages ship (shipped) and every Debian system has (baseDirs), and
// the files their maintainer scripts write (scripted).
// Existing files are replaced.
func Prepare(dir string, packages []string) error {
	if err := makeDirs(dir, packages); err != nil {
		return err
	}
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
	for _, p := range packages {
		maps.Copy(files, scripted[p])
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

// makeDirs creates baseDirs and the directories packages ship under dir.
func makeDirs(dir string, packages []string) error {
	dirs := slices.Clone(baseDirs)
	for _, p := range packages {
		dirs = append(dirs, shipped[p]...)
	}
	for _, d := range dirs {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return err
		}
	}
	return nil
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
