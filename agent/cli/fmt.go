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
	"github.com/spf13/cobra"
	"github.com/tendhq/tend/config"
	"github.com/tendhq/tend/config/repofile"
	"github.com/tendhq/tend/resources/atomicfile"
)

func newFmtCmd(env *cmdEnv, host hostDefault) *cobra.Command {
	var c common
	var check bool
	cmd := &cobra.Command{
		Use:   "fmt [flags] [FILE|DIR]...",
		Short: "rewrite the repository's HCL files in canonical style",
		Long: "Rewrites the repository's .hcl files (or the files, and the .hcl files under the directories,\n" +
			"named) in canonical style. Exit code 1 when a file has syntax errors, or with --check when a file\n" +
			"needs formatting.",
		Example: "  tend fmt --repo /srv/nodes\n  tend fmt --check nodes/web1.hcl roles",
		Run: runs(env, func(_ context.Context, _ *cobra.Command, args []string) int {
			return runFmt(env, &c, check, args)
		}),
	}
	c.addFlags(cmd.Flags(), env, host, 0)
	cmd.Flags().BoolVar(&check, "check", false, "list files that need formatting; change nothing")
	return cmd
}

// runFmt rewrites the repository's .hcl files (or the files and
// directories named as arguments) in canonical style. With -check it
// changes nothing and exits 1 when a file needs formatting. A file with
// syntax errors is reported and left alone.
func runFmt(env *cmdEnv, c *common, check bool, args []string) int {
	names, err := fmtTargets(c.repo, args)
	if err != nil {
		fmt.Fprintf(env.stderr, "tend fmt: %v\n", err)
		return exitUsage
	}
	parser := hclparse.NewParser()
	var diags hcl.Diagnostics
	unformatted := 0
	for _, t := range names {
		name := t.path()
		src, err := t.read(int64(c.maxFileSize))
		if err != nil {
			fmt.Fprintf(env.stderr, "tend fmt: %v\n", err)
			return exitUsage
		}
		rel := displayName(c.repo, name)
		if d := repofile.CheckHCL(src, rel); d.HasErrors() {
			diags = append(diags, d...)
			parser.AddFile(rel, &hcl.File{Bytes: src})
			continue
		}
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
		if !check {
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
	if diags.HasErrors() || (check && unformatted > 0) {
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

// fmtFile is a file fmt works on, read beneath the directory it was
// found in (the repository, or the directory named): a symbolic link out
// of it is refused, and so is anything but a regular file.
type fmtFile struct{ dir, rel string }

func (f fmtFile) path() string { return filepath.Join(f.dir, f.rel) }

func (f fmtFile) read(maxSize int64) ([]byte, error) {
	d, err := repofile.Open(f.dir, maxSize)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	b, err := d.ReadFile(filepath.ToSlash(f.rel))
	var refused *repofile.RefusedError
	if errors.As(err, &refused) {
		refused.Name = f.path()
	}
	return b, err
}

// hclFilesUnder lists the .hcl files under dir, relative to base; a
// missing dir has none.
func hclFilesUnder(base, dir string) ([]fmtFile, error) {
	var out []fmtFile
	top := filepath.Join(base, dir)
	err := filepath.WalkDir(top, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == top {
			return filepath.SkipDir
		}
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".hcl") {
			rel, err := filepath.Rel(base, p)
			out = append(out, fmtFile{dir: base, rel: rel})
			return err
		}
		return nil
	})
	return out, err
}

// fmtTargets lists the files fmt works on: the repository's
// configuration, or the named .hcl files and the .hcl files under the
// named directories.
func fmtTargets(repo string, args []string) ([]fmtFile, error) {
	if len(args) == 0 {
		var out []fmtFile
		for _, dir := range configDirs {
			files, err := hclFilesUnder(repo, dir)
			if err != nil {
				return nil, err
			}
			out = append(out, files...)
		}
		return out, nil
	}
	var out []fmtFile
	for _, a := range args {
		fi, err := os.Stat(a)
		switch {
		case err != nil:
			return nil, err
		case !fi.IsDir() && !strings.HasSuffix(a, ".hcl"):
			return nil, fmt.Errorf("%s: not an .hcl file", a)
		case !fi.IsDir():
			out = append(out, fmtFile{dir: filepath.Dir(a), rel: filepath.Base(a)})
			continue
		}
		files, err := hclFilesUnder(a, ".")
		if err != nil {
			return nil, err
		}
		out = append(out, files...)
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
