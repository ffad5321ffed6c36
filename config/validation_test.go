package config_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tendhq/tend/config"
)

// validationRepo is a module whose validation of low compares it with
// high, another of its variables; the node calls it with node's inputs.
func validationRepo(t *testing.T, module, inputs string) (string, int) {
	t.Helper()
	dir := writeRepo(t, map[string]string{
		"nodes/n.hcl":        "node \"n\" {\n  module \"m\" {\n    source = \"./modules/m\"\n" + inputs + "  }\n}\n",
		"modules/m/main.hcl": module,
	})
	repo, diags := config.Open(config.Options{Repo: dir, Library: nil, Registry: nil})
	if diags.HasErrors() {
		t.Fatalf("open: %v", diags)
	}
	_, diags = repo.Catalog("n")
	var buf bytes.Buffer
	config.WriteDiagnostics(&buf, diags, repo.Sources())
	return buf.String(), len(diags)
}

const rangeModule = `
variable "high" {
  type    = number
  default = 10
}
variable "low" {
  type = number
  validation {
    condition     = var.low <= var.high
    error_message = "low (${var.low}) must not exceed high (${var.high})."
  }
}
`

// A validation may refer to the module's other variables: the error is
// at the checked input, with a message built from both.
func TestValidationSeesOtherVariables(t *testing.T) {
	if out, n := validationRepo(t, rangeModule, "    low = 3\n"); n != 0 {
		t.Fatalf("a valid input refused:\n%s", out)
	}
	out, _ := validationRepo(t, rangeModule, "    low  = 12\n    high = 11\n")
	if !strings.HasPrefix(out, "nodes/n.hcl:4:12: error: Invalid value for variable; var.low: low (12) must not exceed high (11).") {
		t.Fatalf("diagnostics:\n%s", out)
	}
	// A sensitive other variable: the message, which would show it, is withheld.
	out, _ = validationRepo(t, rangeModule, "    low  = 12\n    high = sensitive(11)\n")
	if !strings.Contains(out, "var.low: the value is not valid; the error message is not shown, as it holds a (sensitive value)") || strings.Contains(out, "(11)") {
		t.Fatalf("diagnostics:\n%s", out)
	}
}

// An undeclared variable in a validation, and two validations that refer
// to each other, are reported, not evaluated forever.
func TestValidationReferenceErrors(t *testing.T) {
	undeclared := strings.Replace(rangeModule, "var.low <= var.high", "var.low <= var.top", 1)
	out, _ := validationRepo(t, undeclared, "    low = 3\n")
	if !strings.Contains(out, `error: Reference to undeclared input variable; No variable named "top" is declared in this module.`) {
		t.Fatalf("diagnostics:\n%s", out)
	}
	cycle := strings.Replace(rangeModule, "  default = 10\n", "  default = 10\n  validation {\n    condition     = var.high >= var.low\n    error_message = \"high is below low.\"\n  }\n", 1)
	out, _ = validationRepo(t, cycle, "    low = 3\n")
	if !strings.Contains(out, "error: Dependency cycle; The value refers to itself: ") {
		t.Fatalf("diagnostics:\n%s", out)
	}
}
