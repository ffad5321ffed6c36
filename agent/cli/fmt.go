package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/tendhq/tend/config"
	"github.com/tendhq/tend/providers/files/atomicfile"
)

// runFmt rewrites the repository's .hcl files (or the files and
// directories named as arguments) in canonical style. With -check it
// changes nothing and exits 1 when a file needs formatting. A file with
// syntax errors is reported and left alone.
func runFmt(_ context.Context, env *cmdEnv, args []string) int {
	var c common
	flags := newFlags("fmt", env, &c, false)
	check := flags.Bool("check", false, "list files that need formatting; change nothing")
	if code, ok := parse(flags, args); !ok {
		return code
	}
	names, err := fmtTargets(c.repo, flags.Args())
	if err != nil {
		fmt.Fprintf(env.stderr, "tend fmt: %v\n", err)
		return exitUsage
	}
	parser := hclparse.NewParser()
	var diags hcl.Diagnostics
	unformatted := 0
	for _, name := range names {
		src, err := os.ReadFile(name)
		if err != nil {
			fmt.Fprintf(env.stderr, "tend fmt: %v\n", err)
			return exitUsage
		}
		rel := displayName(c.repo, name)
		if _, d := parser.ParseHCL(src, rel); d.HasErrors() {
			diags = append(diags, d...)
			continue
		}
		out := hclwrite.Format(src)
		if bytes.Equal(out, src) {
			continue
		}
		unformatted++
		fmt.Fprintln(env.stdout, rel)
		if !*check {
			if err := rewrite(name, out); err != nil {
				fmt.Fprintf(env.stderr, "tend fmt: %v\n", err)
				return exitUsage
			}
		}
	}
	src := config.Sources{}
	for n, f := range parser.Files() {
		src[n] = f.Bytes
	}
	config.WriteDiagnostics(env.stderr, diags, src)
	if diags.HasErrors() || (*check && unformatted > 0) {
		return exitUsage
	}
	return 0
}

// rewrite replaces a file's content atomically, keeping its mode.
func rewrite(name string, b []byte) error {
	fi, err := os.Stat(name)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(name, b, atomicfile.Options{Mode: fi.Mode().Perm()})
}

// configDirs are the repository directories fmt formats.
var configDirs = []string{"nodes", "roles", "data", "modules"}

// hclFilesUnder lists the .hcl files of a repository's configuration
// directories.
func hclFilesUnder(repo string) ([]string, error) {
	var out []string
	for _, dir := range configDirs {
		err := filepath.WalkDir(filepath.Join(repo, dir), func(p string, d fs.DirEntry, err error) error {
			if errors.Is(err, fs.ErrNotExist) && p == filepath.Join(repo, dir) {
				return filepath.SkipDir
			}
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(p, ".hcl") {
				out = append(out, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// fmtTargets lists the files fmt works on: the repository's
// configuration, or the named .hcl files and the .hcl files under the
// named directories.
func fmtTargets(repo string, args []string) ([]string, error) {
	if len(args) == 0 {
		return hclFilesUnder(repo)
	}
	var out []string
	for _, a := range args {
		fi, err := os.Stat(a)
		switch {
		case err != nil:
			return nil, err
		case !fi.IsDir() && !strings.HasSuffix(a, ".hcl"):
			return nil, fmt.Errorf("%s: not an .hcl file", a)
		case !fi.IsDir():
			out = append(out, a)
			continue
		}
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".hcl") {
				out = append(out, p)
			}
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// displayName names a file relative to the repository when it is inside.
func displayName(repo, name string) string {
	abs, err := filepath.Abs(name)
	root, rerr := filepath.Abs(repo)
	if err != nil || rerr != nil {
		return name
	}
	if rel, err := filepath.Rel(root, abs); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return name
}
