// Package confdiff reads the configuration formats a plan knows (Postfix's
// main.cf and master.cf, key-value files such as opendkim.conf, Dovecot's
// nested sections, APT's sources.list) into ordered settings, compares the
// settings of a file's old and new content and renders the changes, so
// that a plan says which settings change and not only which lines.
//
// Every parser is a pure function from bytes to settings that accepts any
// input: what it does not understand it leaves out, and the line diff
// still shows it.
package confdiff
