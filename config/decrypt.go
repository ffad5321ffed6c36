package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"syscall"
	"unicode/utf8"

	"filippo.io/age"
	"filippo.io/age/armor"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// undecryptable marks the unknown value decrypt returns on a host that
// cannot decrypt it; Why says so in the plan. Instances holding such a
// value are planned as unknown instead of failing obscurely.
type undecryptable struct{ Why string }

// maxSecret bounds one decrypted value: keys and passwords, not archives.
const maxSecret = 1 << 20

// identities are the age identities of this host, read once per
// repository from the identity file.
type identities struct {
	path string
	once sync.Once
	ids  []age.Identity
	why  string // when ids is empty: why this host cannot decrypt
	err  error  // an identity file tend refuses to use
}

// load reads the identity file once, refusing one that others can read or that
// is not owned by root or the user running tend.
func (k *identities) load() { k.once.Do(k.read) }

func (k *identities) read() {
	if k.path == "" {
		k.why = "no identity file is configured (--identity)"
		return
	}
	f, err := os.Open(k.path)
	if errors.Is(err, os.ErrNotExist) {
		k.why = "this host has no identity (" + k.path + " does not exist)"
		return
	}
	if err != nil {
		k.err = err
		return
	}
	defer f.Close()
	if k.err = checkIdentityFile(f, k.path); k.err != nil {
		return
	}
	if k.ids, err = age.ParseIdentities(io.LimitReader(f, maxSecret)); err != nil {
		// The parser may quote the file: never show its text.
		k.err = fmt.Errorf("%s holds no age identity tend can read", k.path)
	}
}

func checkIdentityFile(f *os.File, path string) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("the identity file %s can be read by others (mode %04o): chmod 600 %s", path, fi.Mode().Perm(), path)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Uid != 0 && int(st.Uid) != os.Geteuid() {
		return fmt.Errorf("the identity file %s belongs to uid %d, not root", path, st.Uid)
	}
	return nil
}

// decryptFunc is decrypt(ciphertext): the text an age-encrypted,
// armored value holds, marked sensitive. Where it cannot be decrypted it
// is unknown, with the reason in an undecryptable mark.
func (s *scope) decryptFunc() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "ciphertext", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return s.ld.decrypt(args[0].AsString())
		},
	})
}

func (ld *loader) decrypt(ciphertext string) (cty.Value, error) {
	k := ld.keys
	k.load()
	if k.err != nil {
		return cty.DynamicVal, k.err
	}
	src := strings.NewReader(strings.TrimSpace(ciphertext))
	if !strings.HasPrefix(strings.TrimSpace(ciphertext), armor.Header) {
		return cty.DynamicVal, errors.New("not an age-encrypted value: expected text from 'tend encrypt' (" + armor.Header + " ...)")
	}
	if len(k.ids) == 0 {
		return unknownSecret(k.why), nil
	}
	r, err := age.Decrypt(armor.NewReader(src), k.ids...)
	var noMatch *age.NoIdentityMatchError
	if errors.As(err, &noMatch) {
		return unknownSecret("it is not encrypted to this host's identity (" + k.path + ")"), nil
	}
	if err != nil {
		return cty.DynamicVal, fmt.Errorf("cannot decrypt: %v", err)
	}
	plain, err := io.ReadAll(io.LimitReader(r, maxSecret+1))
	switch {
	case err != nil:
		return cty.DynamicVal, fmt.Errorf("cannot decrypt: %v", err)
	case len(plain) > maxSecret:
		return cty.DynamicVal, errors.New("the decrypted value is larger than 1 MiB")
	case !utf8.Valid(plain) || bytes.IndexByte(plain, 0) >= 0:
		return cty.DynamicVal, errors.New("the decrypted value is not text; encrypt text such as a PEM key or a password")
	}
	ld.secrets[string(plain)] = true
	return cty.StringVal(string(plain)).Mark(sensitiveMark), nil
}

func unknownSecret(why string) cty.Value {
	return cty.UnknownVal(cty.String).Mark(sensitiveMark).Mark(undecryptable{Why: why})
}

// undecryptableWhy returns why a value holds something this host cannot
// decrypt, or "".
func undecryptableWhy(v cty.Value) string {
	_, marks := v.UnmarkDeep()
	for m := range marks {
		if u, ok := m.(undecryptable); ok {
			return u.Why
		}
	}
	return ""
}
