// Package fidelity checks that the example repository renders the
// documented hosts: its tests read the documents the hosts are described
// in (testfixtures/seeds) and compare what they state with what the
// example's emailout and email nodes would write. The files a document
// quotes are compared setting by setting; every other item is checked in
// a subtest of its own and proved able to fail by removing what it
// relied on, or by adding what the document does not have. Every
// deliberate difference is an explicit, commented exception in the tests
// and is explained in README.md or in the README of the module that
// makes it.
package fidelity
