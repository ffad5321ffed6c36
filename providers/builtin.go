package providers

import (
	"path"
	"reflect"

	"github.com/tendhq/tend/providers/accounts"
	"github.com/tendhq/tend/providers/debian"
	"github.com/tendhq/tend/providers/exec"
	"github.com/tendhq/tend/providers/files"
	"github.com/tendhq/tend/providers/pki"
	"github.com/tendhq/tend/providers/postfix"
	"github.com/tendhq/tend/providers/systemd"
	"github.com/tendhq/tend/resources"
)

// Builtin returns a registry of every kind compiled into tend.
func Builtin() *resources.Registry {
	return resources.NewRegistry(files.Kind(), files.GroupKind(), exec.Kind(), accounts.UserKind(), accounts.GroupKind(), postfix.Kind(), debian.Kind(), debian.SourceKind(), systemd.Kind(), pki.TLSCertificate(), pki.DKIMKey())
}

// Builtins lists Builtin's kinds by provider, the provider being the
// package that implements them ("files", "exec", ...). When tend runs its
// built-in providers as subprocesses, each provider is one process.
func Builtins() map[string][]resources.Kind {
	reg := Builtin()
	out := map[string][]resources.Kind{}
	for _, name := range reg.Names() {
		k, _ := reg.Kind(name)
		t := reflect.TypeOf(k)
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		p := path.Base(t.PkgPath())
		out[p] = append(out[p], k)
	}
	return out
}
