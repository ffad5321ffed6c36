package confdiff_test

import (
	"testing"

	"github.com/tendhq/tend/resources/confdiff"
)

func TestDetect(t *testing.T) {
	for p, want := range map[string]confdiff.Format{
		"/etc/postfix/main.cf":                  confdiff.PostfixMain,
		"/etc/postfix-out/main.cf":              confdiff.PostfixMain,
		"/etc/postfix/master.cf":                confdiff.PostfixMaster,
		"/srv/main.cf":                          "",
		"/etc/opendkim.conf":                    confdiff.KeyValue,
		"/etc/opendmarc.conf":                   confdiff.KeyValue,
		"/etc/dovecot/dovecot.conf":             confdiff.Dovecot,
		"/etc/dovecot/conf.d/10-ssl.conf":       confdiff.Dovecot,
		"/etc/dovecot/dovecot-sql.conf.ext":     confdiff.Dovecot,
		"/etc/dovecot/users":                    "",
		"/etc/dovecotish/x.conf":                "",
		"/etc/apt/sources.list":                 confdiff.SourcesList,
		"/etc/apt/sources.list.d/extra.list":    confdiff.SourcesList,
		"/etc/apt/sources.list.d/extra.sources": "",
		"/etc/aliases":                          "",
		"(sensitive path)":                      "",
	} {
		if got := confdiff.Detect(p); got != want {
			t.Errorf("Detect(%q) = %q, want %q", p, got, want)
		}
	}
}
