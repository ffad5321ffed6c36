package modulefixtures

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tendhq/tend/agent/cli"
	"github.com/tendhq/tend/testfixtures/scratchroot"
)

// fixture is one module's repository, the node it declares, and lines its
// plan must show.
type fixture struct {
	dir, node string
	// secrets are certificates the test writes under secrets/ first:
	// file stem => names.
	secrets map[string][]string
	want    []string
	// never are strings the plan must not show, such as a secret's.
	never []string
}

var fixtures = []fixture{
	{dir: "base", node: "host", want: []string{
		"+cacert.example",
		"+root: admins@cacert.example",
		"+HostKey /etc/ssh/ssh_host_ed25519_key",
		"+PermitRootLogin no",
		"+AllowGroups sshadmins",
		"+PasswordAuthentication no",
		"+%sshadmins ALL=(ALL:ALL) ALL",
		"+ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICybs8fa+S0qsTycClS+hjS7JulQerwhC7jLdjNMo20r ada@cacert.example",
		"+search cacert.example",
		"+nameserver 192.0.2.53",
		`+Acquire::http::Proxy "http://proxy.cacert.example:3128/";`,
		"+URIs: https://apt.cacert.example/tend",
		"+Signed-By: /etc/apt/keyrings/tend.asc",
		`+ module.base.service.system["ssh"]`,
		`+ module.base.service.system["cron"]`,
		`+ module.base.service.system["rsyslog"]`,
	}, never: []string{"OPENSSH PRIVATE KEY"}},
	{dir: "postfix", node: "relay", want: []string{
		"+canonical_maps = pcre:/etc/postfix/canonical_maps",
		"+virtual_alias_maps = proxy:mysql:$config_directory/mysql-aliases.cf",
		"+smtpd_milters = inet:127.0.0.1:8891",
		"+submission inet  n       -       y       -       -       smtpd",
		"(sensitive line 3)",
	}},
	{dir: "opendkim", node: "signer", want: []string{
		"module.opendkim.dkim_key.key.dns_matches = false",
		"+Socket\t\t\tlocal:/var/spool/postfix/opendkim/opendkim.sock",
		"~ module.postfix.user.postfix[\"postfix\"]",
	}},
	{dir: "tls", node: "web", secrets: map[string][]string{"www": {"www.example.org"}}, want: []string{
		"+ module.tls.tls_certificate.cert[\"www\"]",
		`+{"mail":"/etc/ssl/certs/ssl-cert-snakeoil.pem","www":"/etc/ssl/public/www.chain.pem"}`,
	}},
	{dir: "dovecot", node: "imap", want: []string{
		"+mail_location = maildir:/home/mailboxes/%n/Maildir",
		"~ module.dovecot.user.mail",
		"+ module.dovecot.service.dovecot",
	}},
	{dir: "mariadb", node: "db", want: []string{
		"+CREATE OR REPLACE VIEW `postfix_users` AS SELECT CONCAT(username, '@example.org') AS email FROM users;",
		"+ module.mariadb.exec.users",
		"+ module.mariadb.service.mariadb",
	}},
}

// TestModulesPlan plans every module's fixture against a scratch root on
// which the node's packages are recorded as installed: the plan must
// succeed (exit 2: changes, no failures) and show the expected lines.
func TestModulesPlan(t *testing.T) {
	for _, f := range append(fixtures, serviceFixtures...) {
		t.Run(f.dir+"/"+f.node, func(t *testing.T) {
			repo := copyFixture(t, f.dir)
			for stem, names := range f.secrets {
				base := filepath.Join(repo, "secrets", stem)
				if err := scratchroot.WriteCertificate(base+".chain.pem", base+".key.pem", names); err != nil {
					t.Fatal(err)
				}
			}
			out := plan(t, repo, f.node)
			for _, w := range f.want {
				if !strings.Contains(out, w) {
					t.Errorf("the plan lacks %q", w)
				}
			}
			for _, n := range f.never {
				if strings.Contains(out, n) {
					t.Errorf("the plan shows %q", n)
				}
			}
			if t.Failed() {
				t.Logf("plan:\n%s", out)
			}
		})
	}
}

// plan prepares a scratch root for node and runs `tend plan` on it,
// failing the test unless it exits 2.
func plan(t *testing.T, repo, node string) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "root")
	if err := scratchroot.PrepareFor(root, repo, node); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := cli.Main([]string{"plan", "--repo", repo, "--node", node, "--root", root,
		"--state-dir", filepath.Join(t.TempDir(), "state")}, &stdout, &stderr)
	if code != 2 {
		t.Fatalf("tend plan exited %d, want 2\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
	return stdout.String()
}
