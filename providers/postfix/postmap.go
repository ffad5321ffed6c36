package postfix

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/tendhq/tend/providers/chroot"
)

// toolPath is where postmap and postalias are looked for, and the PATH
// they run with: nothing is inherited from how tend was started.
const toolPath = "/usr/sbin:/usr/bin:/sbin:/bin"

// toolTimeout bounds one postmap or postalias call; a hung build must not
// hang the run. A variable so tests can shorten it.
var toolTimeout = 10 * time.Minute

// maxToolOutput bounds the stderr kept from one call.
const maxToolOutput = 16 << 10

// probeKey is looked up when there is no key that must resolve: the
// lookup only has to open and read the table without a fatal error.
const probeKey = "tend-probe.invalid"

// toolResult is how one call ended.
type toolResult struct {
	code   int
	stderr string
}

// lookTool finds postmap or postalias in toolPath.
func lookTool(name string) (string, error) {
	for _, dir := range filepath.SplitList(toolPath) {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found in %s: install Debian's postfix package (and postfix-cdb, postfix-lmdb or postfix-pcre for those types)", name, toolPath)
}

// tool is postmap or postalias as a map runs it: this machine's, with
// paths as they are here; or, when the run's root is a system of its own
// (chroot.IsSystem) that has the tool and holds the configuration
// directory, the root's, chrooted, with paths as they are there, so that
// what main.cf refers to (myorigin = /etc/mailname) is the root's.
type tool struct {
	name, root string
	chrooted   bool
}

// toolFor is the map's tool for the configuration directory conf.
func (r *postfixMap) toolFor(conf string) tool {
	t := tool{name: r.tool(), root: r.env.Root}
	if !chroot.IsSystem(t.root) {
		return t
	}
	_, confInside := chroot.Inside(t.root, conf)
	fi, err := os.Stat(filepath.Join(t.root, "usr/sbin", t.name))
	t.chrooted = confInside && err == nil && fi.Mode().IsRegular()
	return t
}

// path is p, a path on this machine, as the tool sees it.
func (t tool) path(p string) string {
	if inside, ok := chroot.Inside(t.root, p); t.chrooted && ok {
		return inside
	}
	return p
}

// argv is the tool's command line.
func (t tool) argv(args ...string) ([]string, error) {
	if t.chrooted {
		return chroot.Argv(t.root, append([]string{"/usr/sbin/" + t.name}, args...)...), nil
	}
	bin, err := lookTool(t.name)
	if err != nil {
		return nil, err
	}
	return append([]string{bin}, args...), nil
}

// runTool runs postmap or postalias with a clean environment in its own
// process group, killed whole on timeout. Only stderr is kept: stdout
// carries lookup results, which may be secrets.
func runTool(ctx context.Context, t tool, args ...string) (toolResult, error) {
	argv, err := t.argv(args...)
	if err != nil {
		return toolResult{}, err
	}
	name := t.name
	ctx, cancel := context.WithTimeout(ctx, toolTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = []string{"PATH=" + toolPath}
	cmd.Dir = "/"
	stderr := &capped{max: maxToolOutput}
	cmd.Stderr = stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 2 * time.Second
	err = cmd.Run()
	res := toolResult{stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return res, fmt.Errorf("%s did not finish within %s and was killed", name, toolTimeout)
	case errors.As(err, &exit):
		res.code = exit.ExitCode()
	case err != nil:
		return res, fmt.Errorf("run %s: %w", name, err)
	}
	return res, nil
}

// configDir is the directory postmap gets with -c: postfix_dir under the
// root when it holds a main.cf, else a private empty one (postmap refuses
// to run without a main.cf), which means Postfix's built-in defaults.
// Either way meta_directory stays the host's /etc/postfix, so the host's
// postmap finds its own dynamicmaps.cf for cdb, lmdb and pcre.
func (r *postfixMap) configDir() (dir string, cleanup func(), err error) {
	dir = r.env.Path(r.postfixDir)
	if fi, err := os.Stat(filepath.Join(dir, "main.cf")); err == nil && fi.Mode().IsRegular() {
		return dir, func() {}, nil
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", nil, err
	}
	tmp, err := os.MkdirTemp("", "tend-postfix-config-")
	if err != nil {
		return "", nil, err
	}
	cleanup = func() { os.RemoveAll(tmp) }
	if err := writeMainCf(filepath.Join(tmp, "main.cf")); err != nil {
		cleanup()
		return "", nil, err
	}
	r.note("%s has no main.cf: used Postfix's built-in defaults", r.postfixDir)
	return tmp, cleanup, nil
}

// writeMainCf writes an empty main.cf dated in the past: Postfix waits
// (up to two seconds) for a config file modified within the last second
// to settle before it reads it.
func writeMainCf(path string) error {
	if err := os.WriteFile(path, nil, 0644); err != nil {
		return err
	}
	past := time.Now().Add(-time.Hour)
	return os.Chtimes(path, past, past)
}

// checkLookup queries the table at name (the new one before it goes live,
// or the live source for types that build nothing). The key must resolve;
// with no key, the lookup must merely not fail.
func (r *postfixMap) checkLookup(ctx context.Context, conf, name, key string) error {
	mustFind := key != ""
	if !mustFind {
		key = probeKey
	}
	t := r.toolFor(conf)
	res, err := runTool(ctx, t, "-c", t.path(conf), "-q", key, r.typ+":"+t.path(name))
	r.keep(res.stderr, t.path(name))
	if err != nil {
		return err
	}
	if res.code == 0 || !mustFind && !isFatal(res.stderr) {
		return nil
	}
	if isFatal(res.stderr) {
		return fmt.Errorf("lookup check failed: %s", r.readable(res.stderr, t.path(name)))
	}
	return fmt.Errorf("lookup check failed: key %q does not resolve in the new table", key)
}

// isFatal tells a failed lookup from a key that is not there: both exit
// non-zero, only the failure says so on stderr.
func isFatal(stderr string) bool {
	return strings.Contains(stderr, "fatal:") || strings.Contains(stderr, "panic:")
}

// checkKeyFor is the key that must resolve: check_key, else the source's
// first key. Types that build nothing have no first key.
func (r *postfixMap) checkKeyFor(content []byte) string {
	if r.checkKey != "" || !r.builds() {
		return r.checkKey
	}
	return firstKey(content, r.alias)
}

// firstKey finds the first key postmap (or postalias) would store: the
// first line that is not blank, a comment or a continuation, up to white
// space (up to the colon for aliases). A line postmap would skip (no
// value) is passed over; a quoted alias name gives up ("" means: probe).
func firstKey(content []byte, alias bool) string {
	for _, line := range strings.Split(string(content), "\n") {
		if line == "" || line[0] == ' ' || line[0] == '\t' {
			continue
		}
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		if alias {
			key, _, ok := strings.Cut(line, ":")
			key = strings.TrimSpace(key)
			if !ok || key == "" || strings.HasPrefix(key, `"`) {
				return ""
			}
			return key
		}
		if f := strings.Fields(line); len(f) > 1 {
			return f[0]
		}
	}
	return ""
}

// keep adds a call's stderr to the output, with the temporary names tend
// chose replaced by the live ones a reader knows.
func (r *postfixMap) keep(stderr, name string) {
	if s := r.readable(stderr, name); s != "" {
		r.output += s + "\n"
	}
}

func (r *postfixMap) readable(stderr, name string) string {
	return strings.ReplaceAll(strings.TrimSpace(stderr), name, r.path)
}

// note adds one of tend's own remarks to the output.
func (r *postfixMap) note(format string, args ...any) {
	r.output += "tend: " + fmt.Sprintf(format, args...) + "\n"
}

// capped keeps the first max bytes written to it.
type capped struct {
	buf     bytes.Buffer
	max     int
	dropped bool
}

func (c *capped) Write(p []byte) (int, error) {
	room := c.max - c.buf.Len()
	if len(p) > room {
		c.buf.Write(p[:room])
		c.dropped = true
	} else {
		c.buf.Write(p)
	}
	return len(p), nil
}

func (c *capped) String() string {
	s := strings.ToValidUTF8(c.buf.String(), "")
	if c.dropped {
		s += "\n... (truncated)"
	}
	return s
}
