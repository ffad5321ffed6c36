// Package resources is the model every other part of tend speaks: what a
// managed resource is (the contract on Resource), how it is named (Address),
// what a plan says about it (Action, Change, diffs) and how kinds describe
// their attributes (Schema).
//
// It owns no I/O of its own. The config loader produces Config values for
// it, providers implement Kind and Resource, and the engine, plan and report
// packages below it walk, render and record what resources say.
package resources
