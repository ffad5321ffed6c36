package cli

import (
	"context"
	"fmt"

	"github.com/tendhq/tend/resources"
)

// runGraph prints the node's resource graph in DOT: edges point from a
// resource to what needs it first, labelled with why.
func runGraph(_ context.Context, env *cmdEnv, args []string) int {
	var c common
	fs := newFlags("graph", env, &c, false)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	cat, ok := loadCatalog(env, &c)
	if !ok {
		return exitUsage
	}
	labels := make([]string, len(cat.Instances))
	for i, inst := range cat.Instances {
		labels[i] = inst.Addr.String()
	}
	// Edges say why ("needs /etc/app"): a path may be built from a secret.
	fmt.Fprint(env.stdout, resources.NewRedactor(cat.Secrets).String(cat.Graph.DOT(labels)))
	return 0
}
