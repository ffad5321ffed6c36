// Package fidelity checks that the example repository renders the
// documented hosts: its test reads the specification the hosts are
// documented in (testfixtures/seeds), extracts the configuration it
// quotes and compares it with what the example's emailout node would
// write. Every deliberate difference is an explicit, commented exception
// in the test and is listed in the README of the module that makes it.
package fidelity
