package modulefixtures

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tendhq/tend/agent/cli"
)

// serviceFixtures are the plans of the nginx, fail2ban and icinga2
// modules (planned by TestModulesPlan with the others): lines each must
// show, and never.
var serviceFixtures = []fixture{
	{dir: "nginx", node: "web", want: []string{
		"+\tinclude sites-enabled/*;",
		"+\tssl_protocols TLSv1.2 TLSv1.3;",
		"+\tlisten 80 default_server;",
		"+\treturn 301 https://$host$request_uri;",
		"+\tlisten 443 ssl http2 default_server;",
		"+\tserver_name www.example.org;",
		"+\tssl_certificate /etc/ssl/certs/ssl-cert-snakeoil.pem;",
		"+\troot /var/www/www.example.org;",
		"+<h1>www.example.org</h1>",
		"+ module.nginx.service.nginx",
	}},
	{dir: "fail2ban", node: "guard", want: []string{
		"+ignoreip = 127.0.0.1/8 ::1 192.0.2.0/24",
		"+bantime  = 1h",
		"+maxretry = 3",
		"+banaction = nftables-multiport",
		"+[postfix-sasl]\n      +enabled = true\n      +# jail.conf sets each jail's backend from paths-common.conf: set it here.\n      +backend = systemd\n      +filter = postfix[mode=auth]\n      +journalmatch = _SYSTEMD_UNIT=postfix@-.service",
		"+[dovecot]\n      +enabled = false\n",
		"+[sshd]\n      +enabled = true\n      +# jail.conf sets each jail's backend from paths-common.conf: set it here.\n      +backend = systemd\n",
	}},
	{dir: "icinga2", node: "agent", want: []string{
		`+const NodeName = "agent.example.org"`,
		`+object Endpoint "master.example.org" {` + "\n      +  /* No host: the master connects to this agent. */",
		`+  parent = "master"`,
		"+  bind_port = 5665\n      +  accept_config = true\n      +  accept_commands = true",
		`+include "local-checks.conf"`,
		"+object Service \"postfix\" {\n      +  host_name = NodeName\n      +  check_command = \"procs\"\n      +  vars.procs_command = \"master\"\n      +  vars.procs_critical = \"1:\"\n      +}",
		`+ module.icinga2.exec.placeholder_cert["agent.example.org"]`,
	}, never: []string{"include_recursive \"conf.d\"", "module.icinga2.file.key"}},
	{dir: "icinga2", node: "signed", secrets: map[string][]string{"signed": {"signed.example.org"}}, want: []string{
		`+const NodeName = "signed.example.org"`,
		`+  host = "192.0.2.10"`,
		`+ module.icinga2.file.cert["/var/lib/icinga2/certs/signed.example.org.crt"]`,
		`+ module.icinga2.file.key["/var/lib/icinga2/certs/signed.example.org.key"]`,
		`+ module.icinga2.file.ca_cert["/var/lib/icinga2/certs/ca.crt"]`,
	}, never: []string{"PRIVATE KEY", "exec.placeholder_cert"}},
}

// TestServiceModulesRefuse: bad inputs are configuration errors at the
// module call, before anything is planned.
func TestServiceModulesRefuse(t *testing.T) {
	for _, c := range []struct{ dir, file, old, new, want string }{
		{"nginx", "nodes/web.hcl", `"www.example.org"`, `"www.example.org; root /"`, "server_name must be a host name"},
		{"fail2ban", "nodes/guard.hcl", `"postfix-sasl"]`, `"postfix"]`, "jails may only name sshd, postfix-sasl and dovecot"},
		{"fail2ban", "nodes/guard.hcl", `bantime  = "1h"`, `bantime  = "1 hour"`, "bantime must be seconds"},
		{"fail2ban", "nodes/guard.hcl", `maxretry = 3`, `maxretry = 0`, "maxretry must be a whole number of at least 1"},
		{"fail2ban", "nodes/guard.hcl", `"192.0.2.0/24"]`, `"192.0.2.0/24 10.0.0.0/8"]`, "ignoreip entries must be"},
		{"icinga2", "nodes/agent.hcl", `procs_command = "master"`, `"procs command" = "master"`, "variable names lower case identifiers"},
		{"icinga2", "nodes/agent.hcl", `endpoint         = "agent.example.org"`, `endpoint         = "agent\"; const X = 1"`, "endpoint must be a host name"},
	} {
		t.Run(c.dir+"/"+c.want, func(t *testing.T) {
			repo := copyFixture(t, c.dir)
			p := filepath.Join(repo, c.file)
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(b, []byte(c.old)) {
				t.Fatalf("%s has no %s", c.file, c.old)
			}
			if err := os.WriteFile(p, bytes.Replace(b, []byte(c.old), []byte(c.new), 1), 0o644); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			code := cli.Main([]string{"validate", "--repo", repo}, &stdout, &stderr)
			out := stdout.String() + stderr.String()
			if code != 1 || !strings.Contains(out, c.want) || !strings.Contains(out, c.file+":") {
				t.Fatalf("tend validate exited %d, want 1 with %q at %s:\n%s", code, c.want, c.file, out)
			}
		})
	}
}

// copyFixture copies the fixture repository dir to a temporary directory.
func copyFixture(t *testing.T, dir string) string {
	t.Helper()
	repo := filepath.Join(t.TempDir(), "repo")
	if err := os.CopyFS(repo, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	return repo
}
