// Package fidelity checks that the example repository renders the
// documented hosts: its tests read the documents the hosts are described
// in (testfixtures/seeds) and compare what they state with what the
// example's emailout and email nodes would write, each email item
// checked in a subtest of its own and proved able to fail by removing
// what it relied on. Every deliberate difference is an explicit,
// commented exception in the tests and is explained in README.md or in
// the README of the module that makes it.
package fidelity
