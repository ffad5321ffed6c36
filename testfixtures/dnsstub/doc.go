// Package dnsstub is a tiny authoritative DNS server on loopback for
// tests: it answers TXT queries from a table the test sets, and NXDOMAIN
// for every other name. Tests point a resolver setting at it; nothing
// ever queries a real resolver.
package dnsstub
