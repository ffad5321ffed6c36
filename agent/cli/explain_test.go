package cli_test

import (
	"bytes"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tendhq/tend/agent/cli"
	"github.com/tendhq/tend/config"
)

// TestExplainEveryAddress explains every resource of every node of the
// bundled repositories (the example's too): each must be explained, exit
// 0, and say "(known after reading the host)" where a value is not known
// before the run reads the host.
func TestExplainEveryAddress(t *testing.T) {
	repos, _ := filepath.Glob("../../testfixtures/valid/*")
	repos = append(repos, "../../testfixtures/example")
	label := regexp.MustCompile(`(?m)^\s*n[0-9]+ \[label=("(?:[^"\\]|\\.)*")\]`)
	explained, unknown := 0, 0
	for _, repo := range repos {
		r, diags := config.Open(config.Options{Repo: repo})
		if diags.HasErrors() {
			t.Fatalf("%s: %s", repo, diags.Error())
		}
		for _, node := range r.Nodes() {
			var graph, errOut bytes.Buffer
			if code := cli.Main([]string{"graph", "--repo", repo, "--node", node}, &graph, &errOut); code != 0 {
				t.Fatalf("tend graph of %s in %s exited %d: %s", node, repo, code, errOut.String())
			}
			for _, m := range label.FindAllStringSubmatch(graph.String(), -1) {
				addr, err := strconv.Unquote(m[1])
				if err != nil {
					t.Fatal(err)
				}
				var out bytes.Buffer
				errOut.Reset()
				if code := cli.Main([]string{"explain", "--repo", repo, "--node", node, addr}, &out, &errOut); code != 0 || !strings.HasPrefix(out.String(), addr+"\n") {
					t.Fatalf("tend explain %s (node %s in %s) exited %d:\n%s%s", addr, node, repo, code, out.String(), errOut.String())
				}
				explained++
				if strings.Contains(out.String(), "(known after reading the host)") {
					unknown++
				}
			}
		}
	}
	t.Logf("explained %d addresses, %d with a value known only after reading the host", explained, unknown)
	if explained == 0 || unknown == 0 {
		t.Fatalf("explained %d addresses, %d with unknown values: the test no longer covers what it should", explained, unknown)
	}
}
