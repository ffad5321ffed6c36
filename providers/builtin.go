package providers

import (
	"github.com/tendhq/tend/providers/exec"
	"github.com/tendhq/tend/providers/files"
	"github.com/tendhq/tend/providers/postfix"
	"github.com/tendhq/tend/resources"
)

// Builtin returns a registry of every kind compiled into tend.
func Builtin() *resources.Registry {
	return resources.NewRegistry(files.Kind(), exec.Kind(), postfix.Kind())
}
