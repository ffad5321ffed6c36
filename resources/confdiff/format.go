package confdiff

import (
	"path"
	"strings"
)

// Format names a configuration format a plan shows settings of; "" is a
// format tend does not know.
type Format string

// The formats tend knows.
const (
	PostfixMain   Format = "postfix-main"
	PostfixMaster Format = "postfix-master"
	KeyValue      Format = "key-value"
	Dovecot       Format = "dovecot"
	SourcesList   Format = "sources-list"
)

// setting is one setting of a file. An entry (a sources.list line, a
// Dovecot !include) has no name of its own to compare by: the whole of
// it is its identity, and it is only ever added or removed. A whole (a
// master.cf service) sums up settings that name it in of (its columns):
// it shows when it is added or removed, they show when it stays.
type setting struct {
	Name  string
	Value string
	Entry bool
	whole bool
	of    string
}

// format is one row of the recognition table.
type format struct {
	format Format
	title  string
	match  func(p string) bool
	parse  func(b []byte) []setting
}

// formats recognises a managed file's format by its path; the first row
// that matches wins.
var formats = []format{
	{PostfixMain, "Postfix parameters", postfixFile("main.cf"), parseMainCF},
	{PostfixMaster, "Postfix services", postfixFile("master.cf"), parseMasterCF},
	{KeyValue, "Key-value settings", baseIs("opendkim.conf", "opendmarc.conf"), parseKeyValue},
	{Dovecot, "Dovecot settings", dovecotFile, parseDovecot},
	{SourcesList, "APT sources", sourcesFile, parseSourcesList},
}

// Detect returns the format of the file at path p, or "" when tend does
// not know it.
func Detect(p string) Format {
	for _, f := range formats {
		if f.match(p) {
			return f.format
		}
	}
	return ""
}

// parse reads b as format f into its settings in file order, each name
// once (a later definition replaces an earlier one in place). An unknown
// format has no settings.
func parse(f Format, b []byte) []setting {
	if row, ok := lookup(f); ok {
		return row.parse(b)
	}
	return nil
}

// title is how a plan heads the settings of format f.
func (f Format) title() string {
	if row, ok := lookup(f); ok {
		return row.title
	}
	return string(f)
}

func lookup(f Format) (format, bool) {
	for _, row := range formats {
		if row.format == f {
			return row, true
		}
	}
	return format{}, false
}

// postfixFile matches base in a Postfix configuration directory
// (postfix, or postfix-NAME for a multi-instance one).
func postfixFile(base string) func(string) bool {
	return func(p string) bool {
		dir := path.Base(path.Dir(p))
		return path.Base(p) == base && (dir == "postfix" || strings.HasPrefix(dir, "postfix-"))
	}
}

func baseIs(bases ...string) func(string) bool {
	return func(p string) bool {
		for _, b := range bases {
			if path.Base(p) == b {
				return true
			}
		}
		return false
	}
}

// dovecotFile matches *.conf and *.conf.ext anywhere under a directory
// named dovecot (/etc/dovecot/dovecot.conf, /etc/dovecot/conf.d/...).
func dovecotFile(p string) bool {
	under := strings.Contains(path.Dir(p)+"/", "/dovecot/") || strings.HasPrefix(p, "dovecot/")
	return under && (strings.HasSuffix(p, ".conf") || strings.HasSuffix(p, ".conf.ext"))
}

func sourcesFile(p string) bool {
	return path.Base(p) == "sources.list" ||
		path.Base(path.Dir(p)) == "sources.list.d" && strings.HasSuffix(p, ".list")
}
