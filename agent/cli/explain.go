package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"
	"github.com/tendhq/tend/config"
	"github.com/tendhq/tend/resources"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

func newExplainCmd(env *cmdEnv, host hostDefault) *cobra.Command {
	var c common
	cmd := &cobra.Command{
		Use:   "explain [flags] ADDRESS",
		Short: "show where a resource and each of its values came from",
		Long: "Shows where the resource at ADDRESS (as tend plan prints it) and each of its values came from:\n" +
			"its declaration, the module calls, the data layers and what they override.",
		Example: "  tend explain --node web1 file.motd\n" +
			"  tend explain --repo testfixtures/example --node emailout module.postfix.file.main_cf",
		Run: runs(env, func(_ context.Context, _ *cobra.Command, args []string) int {
			return runExplain(env, &c, args)
		}),
	}
	c.addFlags(cmd.Flags(), env, host, readsRepo)
	return cmd
}

// runExplain shows where a resource and each of its attribute values came
// from: module calls, files and lines, data layers and what they override.
func runExplain(env *cmdEnv, c *common, args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(env.stderr, "Usage: tend explain [flags] ADDRESS   (as printed by tend plan)")
		return exitUsage
	}
	addr, err := resources.ParseAddress(args[0])
	if err != nil {
		fmt.Fprintf(env.stderr, "tend explain: %v\n", err)
		return exitUsage
	}
	cat, ok := loadCatalog(env, c)
	if !ok {
		return exitUsage
	}
	inst, idx, found := cat.Find(addr.String())
	if !found {
		fmt.Fprintf(env.stderr, "tend explain: node %s has no resource %s.%s\n", cat.Node, addr, cat.DidYouMean(addr.String()))
		return exitUsage
	}
	// Identities and edges name paths, which may be built from a secret.
	var b strings.Builder
	explain(&b, cat, inst, idx)
	io.WriteString(env.stdout, resources.NewRedactor(cat.Secrets).String(b.String()))
	return 0
}

func explain(w io.Writer, cat *config.Catalog, inst *config.Instance, idx int) {
	fmt.Fprintf(w, "%s\n", inst.Addr)
	fmt.Fprintf(w, "  kind        %s\n", inst.Addr.Kind)
	fmt.Fprintf(w, "  declared    %s\n", where(inst.Decl))
	for i, call := range inst.ModuleCalls {
		fmt.Fprintf(w, "  via         module %q called at %s\n", inst.Addr.Module[i], where(call))
	}
	for _, id := range inst.Identities {
		fmt.Fprintf(w, "  manages     %s\n", id)
	}
	for _, d := range cat.Graph.Deps(idx) {
		fmt.Fprintf(w, "  after       %s (%s)\n", cat.Instances[d].Addr, cat.Graph.Why(d, idx))
	}
	for _, n := range inst.Notify {
		fmt.Fprintf(w, "  notifies    %s\n", cat.Instances[n].Addr)
	}
	for _, as := range inst.Kind.Schema().Attrs {
		v := inst.Config.Values[as.Name]
		if v.IsNull() {
			continue
		}
		fmt.Fprintf(w, "\n  %s = %s\n", as.Name, showValue(v, inst.Config.Sensitive[as.Name]))
		for _, o := range inst.Origins[as.Name] {
			fmt.Fprintf(w, "      %s\n", o)
		}
	}
}

func where(r hcl.Range) string {
	return fmt.Sprintf("%s:%d:%d", r.Filename, r.Start.Line, r.Start.Column)
}

// showValue renders a value on one line: long text as its first line and
// a line count, collections as JSON, sensitive values masked, and values
// built from what a run reads on the host (a computed attribute) said to
// be so.
func showValue(v cty.Value, sensitive bool) string {
	switch {
	case sensitive:
		return resources.Masked
	case !v.IsKnown():
		return "(known after reading the host)"
	case !v.IsWhollyKnown():
		return "(partly known after reading the host)"
	}
	if v.Type() == cty.String {
		s := v.AsString()
		lines := strings.Count(strings.TrimSuffix(s, "\n"), "\n") + 1
		if lines > 1 || len(s) > 72 {
			first, _, _ := strings.Cut(s, "\n")
			if len(first) > 60 {
				first = first[:60] + "..."
			}
			return fmt.Sprintf("%q (%d lines, %d bytes)", first, lines, len(s))
		}
		return fmt.Sprintf("%q", s)
	}
	b, err := ctyjson.Marshal(v, v.Type())
	if err != nil {
		return v.GoString()
	}
	var compact json.RawMessage = b
	return string(compact)
}
