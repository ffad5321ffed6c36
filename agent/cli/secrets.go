package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"filippo.io/age"
	"filippo.io/age/armor"
	"github.com/spf13/cobra"
	"github.com/tendhq/tend/resources/atomicfile"
)

// defaultIdentity is where a host keeps its age identity.
const defaultIdentity = "/etc/tend/age-identity.txt"

// encryptOpts are tend encrypt's flags.
type encryptOpts struct {
	recipients, files []string
	name              string
}

func newEncryptCmd(env *cmdEnv) *cobra.Command {
	var o encryptOpts
	cmd := &cobra.Command{
		Use:   "encrypt -r RECIPIENT... [-R FILE]... [--name KEY] [FILE]",
		Short: "encrypt a value or file for data files, to hosts' age recipients",
		Long: "Encrypts FILE (or stdin) for a data file: decrypt(...) gives it back on the hosts holding a\n" +
			"matching identity (tend identity), and nowhere else.",
		Example: "  tend encrypt -r age1... --name tls_key key.pem\n" +
			"  printf %s \"$password\" | tend encrypt -R recipients/mail-hosts.txt --name relay_password",
		Run: runs(env, func(_ context.Context, _ *cobra.Command, args []string) int {
			return runEncrypt(env, &o, args)
		}),
	}
	cmd.Flags().StringArrayVarP(&o.recipients, "recipient", "r", nil, "a recipient (age1...), such as a host's from 'tend identity'; repeatable")
	cmd.Flags().StringArrayVarP(&o.files, "recipients-file", "R", nil, "a file of recipients, one per line (# comments), such as a group of hosts'; repeatable")
	cmd.Flags().StringVar(&o.name, "name", "", "print a data file line: NAME = decrypt(<<-EOT ...)")
	return cmd
}

// runEncrypt encrypts a value (stdin) or a file to age recipients, for a
// data file: decrypt(...) gives it back on hosts holding a matching
// identity, and nowhere else.
func runEncrypt(env *cmdEnv, o *encryptOpts, args []string) int {
	rs, err := recipients(o.recipients, o.files)
	if err == nil && len(args) > 1 {
		err = errors.New("at most one file to encrypt")
	}
	var plain []byte
	if err == nil {
		plain, err = readInput(firstArg(args))
	}
	var out string
	if err == nil {
		out, err = encrypt(plain, rs)
	}
	if err != nil {
		fmt.Fprintf(env.stderr, "tend encrypt: %v\n", err)
		return exitUsage
	}
	if o.name == "" {
		fmt.Fprint(env.stdout, out)
		return 0
	}
	body := strings.ReplaceAll(strings.TrimSuffix(out, "\n"), "\n", "\n  ")
	fmt.Fprintf(env.stdout, "%s = decrypt(<<-EOT\n  %s\n  EOT\n)\n", o.name, body)
	return 0
}

// firstArg is args' first, or "" (stdin).
func firstArg(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}

func recipients(keys, files []string) ([]age.Recipient, error) {
	var out []age.Recipient
	for _, k := range keys {
		r, err := age.ParseX25519Recipient(strings.TrimSpace(k))
		if err != nil {
			return nil, fmt.Errorf("recipient %q: %v", k, err)
		}
		out = append(out, r)
	}
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		rs, err := age.ParseRecipients(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		out = append(out, rs...)
	}
	if len(out) == 0 {
		return nil, errors.New("no recipients: pass -r age1... or -R FILE")
	}
	return out, nil
}

func readInput(name string) ([]byte, error) {
	if name == "" || name == "-" {
		return io.ReadAll(io.LimitReader(os.Stdin, 1<<20+1))
	}
	return os.ReadFile(name)
}

// encrypt returns plain encrypted to rs, armored.
func encrypt(plain []byte, rs []age.Recipient) (string, error) {
	if len(plain) > 1<<20 {
		return "", errors.New("the value is larger than 1 MiB")
	}
	var b strings.Builder
	a := armor.NewWriter(&b)
	w, err := age.Encrypt(a, rs...)
	if err != nil {
		return "", err
	}
	if _, err := w.Write(plain); err != nil {
		return "", err
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	if err := a.Close(); err != nil {
		return "", err
	}
	return b.String(), nil
}

func newIdentityCmd(env *cmdEnv) *cobra.Command {
	var path string
	cmd := &cobra.Command{
		Use:   "identity [flags]",
		Short: "create this host's age identity (once) and print its recipient",
		Long: "Creates this host's age identity when it has none (never overwriting one) and prints its\n" +
			"recipient, which tend encrypt -r takes.",
		Example: "  tend identity\n  tend identity --identity /srv/scratch/age-identity.txt",
		Run: runs(env, func(context.Context, *cobra.Command, []string) int {
			return runIdentity(env, path)
		}),
	}
	cmd.Flags().StringVar(&path, "identity", defaultIdentity, "the identity file (created 0600 when missing)")
	return cmd
}

// runIdentity creates the host's identity when it has none and prints its
// recipient, which admins pass to 'tend encrypt -r'.
func runIdentity(env *cmdEnv, path string) int {
	id, created, err := hostIdentity(path)
	if err != nil {
		fmt.Fprintf(env.stderr, "tend identity: %v\n", err)
		return exitUsage
	}
	if created {
		fmt.Fprintf(env.stderr, "tend identity: created %s\n", path)
	}
	fmt.Fprintln(env.stdout, id.Recipient().String())
	return 0
}

// hostIdentity reads the identity at path, creating it first when there
// is none. An existing file is never overwritten.
func hostIdentity(path string) (*age.X25519Identity, bool, error) {
	data, err := os.ReadFile(path)
	if err == nil {
		for line := range strings.Lines(string(data)) {
			line = strings.TrimSpace(line)
			if line != "" && !strings.HasPrefix(line, "#") {
				id, err := age.ParseX25519Identity(line)
				if err != nil {
					return nil, false, fmt.Errorf("%s holds no X25519 age identity", path)
				}
				return id, false, nil
			}
		}
		return nil, false, fmt.Errorf("%s is empty", path)
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, false, err
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, err
	}
	text := "# tend age identity; recipient: " + id.Recipient().String() + "\n" + id.String() + "\n"
	if err := createExclusive(path, []byte(text)); err != nil {
		return nil, false, err
	}
	return id, true, nil
}

// createExclusive writes a whole new file at path, 0600, failing if path
// exists: the content is written and synced under a temporary name, then
// hard-linked into place, which never replaces an existing file.
func createExclusive(path string, data []byte) error {
	tmp := path + ".new"
	if err := atomicfile.WriteFile(tmp, data, atomicfile.Options{Mode: 0o600}); err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); err != nil {
		return err
	}
	return atomicfile.SyncDir(filepath.Dir(path))
}
