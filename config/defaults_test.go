package config_test

import (
	"strconv"
	"testing"
)

// An attribute left unset, or set to null, takes its kind's schema
// default, which expressions referring to the resource see too; one set
// keeps its value.
func TestSchemaDefaults(t *testing.T) {
	dir := writeRepo(t, map[string]string{
		"nodes/mx.hcl": `
node "mx" {
  resource "exec" "unset" {
    command = "true"
  }
  resource "exec" "null" {
    command = "true"
    cwd     = null
    timeout = null
  }
  resource "exec" "set" {
    command = "true"
    cwd     = "/srv"
    timeout = 5
  }
  resource "file" "seen" {
    path    = "/etc/seen"
    content = "${exec.unset.cwd} ${exec.unset.timeout}\n"
  }
}`,
	})
	cat, diags := openRepo(t, dir).Catalog("mx")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	for addr, want := range map[string][2]string{"exec.unset": {"/", "300"}, "exec.null": {"/", "300"}, "exec.set": {"/srv", "5"}} {
		inst, _ := find(t, cat, addr)
		timeout, err := inst.Config.Int("timeout", -1)
		if got := inst.Config.String("cwd", "(null)"); got != want[0] || err != nil || want[1] != strconv.Itoa(timeout) {
			t.Errorf("%s: cwd %q, timeout %d (%v); want %s", addr, got, timeout, err, want)
		}
	}
	if inst, _ := find(t, cat, "file.seen"); inst.Config.String("content", "") != "/ 300\n" {
		t.Errorf("a reference to defaulted attributes sees %q", inst.Config.String("content", ""))
	}
}
