package fidelity

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// seedMatch returns the submatches of re in the seed, failing the test
// when the seed no longer says it.
func seedMatch(t *testing.T, seed []string, re string) []string {
	t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(strings.Join(seed, "\n"))
	if m == nil {
		t.Fatalf("the seed no longer matches %q", re)
	}
	return m
}

// aliasChecks: the two kinds of aliases of "Setting up mail aliases".
func aliasChecks(t *testing.T, seed []string) []check {
	t.Helper()
	admin := seedMatch(t, seed, `never sent from\. e\.g\. (\w+)@`)[1]
	issue := seedMatch(t, seed, `(\w+) : (\w+)@([\w.]+\w)`)
	issueLine := regexp.MustCompile(`^([\w.-]+):\s*([\w.-]+)@` + regexp.QuoteMeta(issue[3]) + `\s*$`)
	return []check{
		{name: "aliases/" + admin + " in /etc/aliases", run: func(p *probe) {
			if len(p.lines(aliasesTxt, regexp.MustCompile(`^`+admin+`:`))) == 0 {
				p.errorf("/etc/aliases has no %s alias", admin)
			}
		}},
		{name: "aliases/rebuilt with postalias", run: func(p *probe) {
			maps := p.h.find(kindMap, "path", aliasesTxt)
			if len(maps) == 0 || !maps[0].bools["alias"] {
				p.errorf("no postfix_map with alias = true rebuilds %s", aliasesTxt)
			} else {
				p.rely(evidence{addr: maps[0].addr})
			}
			p.listed(aliasesTxt, "alias_maps")
		}},
		{name: "aliases/issue tracking", run: func(p *probe) {
			n := 0
			for _, l := range p.lines(aliasesTxt, issueLine) {
				if m := issueLine.FindStringSubmatch(l); m[1] == m[2] {
					n++
				}
			}
			if n == 0 {
				p.errorf("/etc/aliases has no issue tracking alias NAME: NAME@%s", issue[3])
			}
		}},
		{name: "aliases/sendable in the database", run: checkSendable},
		{name: "aliases/sender login enforced", run: checkSenderLogin},
	}
}

var createAliases = regexp.MustCompile("(?i)^CREATE TABLE (IF NOT EXISTS )?`?aliases`? ")

// checkSendable: the database has an aliases table, and Postfix maps
// aliases through a view of it.
func checkSendable(p *probe) {
	if s, ok := p.schema(); ok {
		found := false
		for _, l := range strings.Split(s.attrs["content"], "\n") {
			if createAliases.MatchString(l) {
				p.rely(evidence{addr: s.addr, line: l})
				found = true
			}
		}
		if !found {
			p.errorf("the database has no aliases table")
		}
	}
	for file, param := range p.mysqlMaps() {
		if param == "virtual_alias_maps" && p.try(func(q *probe) bool { q.param(param); return readsAliases(q.mysqlView(file)) }) {
			return
		}
	}
	p.errorf("no MySQL table in virtual_alias_maps reads the aliases table")
}

var fromAliases = regexp.MustCompile("(?i)\\b(FROM|JOIN)\\s+`?aliases\\b")

func readsAliases(view string) bool { return fromAliases.MatchString(view) }

// senderRestrictions are where Postfix accepts the login-mismatch
// restrictions.
var senderRestrictions = []string{"smtpd_sender_restrictions", "smtpd_recipient_restrictions", "smtpd_relay_restrictions"}

var loginMismatch = regexp.MustCompile(`\breject_(authenticated_|known_)?sender_login_mismatch\b`)

// checkSenderLogin: on submission and SMTPS, a user may send only from
// addresses the database gives their login, sendable aliases included.
func checkSenderLogin(p *probe) {
	for _, port := range []int{465, 587} {
		e, ok := p.entry(port)
		if !ok {
			continue
		}
		logins := p.try(func(q *probe) bool {
			return slices.ContainsFunc(tableRefs(q.effective(e, "smtpd_sender_login_maps")), func(r tableRef) bool {
				return r.typ == "mysql" && q.try(func(v *probe) bool { return readsAliases(v.mysqlView(r.path)) })
			})
		})
		if !logins {
			p.errorf("master.cf %s: smtpd_sender_login_maps reads no view of the aliases table", e.name)
		}
		if !slices.ContainsFunc(senderRestrictions, func(name string) bool {
			return p.try(func(q *probe) bool { return loginMismatch.MatchString(q.effective(e, name)) })
		}) {
			p.errorf("master.cf %s: no reject_sender_login_mismatch in %v", e.name, senderRestrictions)
		}
	}
}

// databaseChecks: the seed's database exists on MariaDB, and Dovecot and
// Postfix read it.
func databaseChecks(t *testing.T, seed []string) []check {
	t.Helper()
	rows := seedTable(t, seed, "Databases¶")
	if len(rows) != 1 || rows[0]["RDBMS"] != "MariaDB" || rows[0]["Used for"] != "database for dovecot and postfix" {
		t.Fatalf("the seed's database table changed: %v", rows)
	}
	db := rows[0]["Name"]
	return []check{
		{name: "database/" + db + " on MariaDB", run: func(p *probe) {
			p.running("mariadb")
			n := 0
			s, _ := p.schema()
			for _, l := range p.lines(s.attrs["path"], regexp.MustCompile(`(?i)^CREATE DATABASE`)) {
				if strings.Contains(l, "`"+db+"`") || strings.Contains(l, " "+db+";") {
					n++
				} else {
					p.errorf("the schema creates a database the seed does not have: %s", l)
				}
			}
			if n == 0 {
				p.errorf("no database %s is created", db)
			}
		}},
		{name: "database/" + db + " used by dovecot", run: func(p *probe) { dovecotDatabase(p, db) }},
		{name: "database/" + db + " used by postfix", run: func(p *probe) {
			files := p.h.files("/etc/postfix/mysql-")
			if len(files) == 0 {
				p.errorf("Postfix has no MySQL table")
			}
			for _, r := range files {
				if s := postconf(r.attrs["content"])["dbname"]; s.value != db {
					p.errorf("%s: dbname is %q, want %s", r.attrs["path"], s.value, db)
				} else {
					p.rely(evidence{addr: r.addr, line: s.line})
				}
			}
		}},
	}
}

// dovecotDatabase: Dovecot's passdb and userdb are SQL, their settings
// file connecting to db.
func dovecotDatabase(p *probe, db string) {
	var args []string
	for _, section := range []string{"passdb", "userdb"} {
		if driver, _ := p.dovecot(section, "driver"); driver != "sql" {
			p.errorf("dovecot.conf: %s driver is %q, not sql", section, driver)
		}
		a, _ := p.dovecot(section, "args")
		args = append(args, a)
	}
	if args[0] != args[1] || !strings.HasPrefix(args[0], "/etc/dovecot/") {
		p.errorf("dovecot.conf: passdb and userdb read %q and %q, not one file in /etc/dovecot", args[0], args[1])
		return
	}
	f, ok := p.file(args[0])
	if !ok {
		return
	}
	c := postconf(f.attrs["content"])["connect"]
	if !slices.Contains(strings.Fields(c.value), "dbname="+db) {
		// The connect string may hold the password: not shown.
		p.errorf("%s: connect has no dbname=%s", args[0], db)
		return
	}
	p.rely(evidence{addr: f.addr, line: c.line})
}

// storageChecks: mail for USER is in /home/mailboxes/USER/Maildir,
// where Postfix hands mail for the domain to Dovecot.
func storageChecks(t *testing.T, seed []string) []check {
	t.Helper()
	dir := seedMatch(t, seed, `is stored in (/\S+)/user/Maildir`)[1]
	return []check{{name: "storage/maildirs", run: func(p *probe) {
		loc, _ := p.dovecot("", "mail_location")
		if loc != "maildir:"+dir+"/%n/Maildir" && loc != "maildir:"+dir+"/%Ln/Maildir" {
			p.errorf("dovecot.conf: mail_location is %q, not maildir:%s/%%n/Maildir", loc, dir)
		}
		dirs := p.h.find(kindFile, "path", dir)
		if len(dirs) == 0 || dirs[0].attrs["ensure"] != "directory" {
			p.errorf("no file resource makes the directory %s", dir)
		} else {
			p.rely(evidence{addr: dirs[0].addr})
		}
		if v, _ := p.param("virtual_transport"); !strings.HasPrefix(v, "lmtp:") {
			p.errorf("main.cf: virtual_transport is %q: Postfix does not hand the domain's mail to Dovecot", v)
		}
		if v, _ := p.dovecot("", "protocols"); !slices.Contains(strings.Fields(v), "lmtp") {
			p.errorf("dovecot.conf: protocols %q lack lmtp, which delivers into the Maildirs", v)
		}
		if v, _ := p.param("virtual_mailbox_domains"); !slices.Contains(strings.Fields(strings.ReplaceAll(v, ",", " ")), "cacert.org") {
			p.errorf("main.cf: virtual_mailbox_domains is %q, without cacert.org", v)
		}
	}}}
}
