package units

import (
	"context"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	sdbus "github.com/coreos/go-systemd/v22/dbus"
	"github.com/tendhq/tend/resources/atomicfile"
)

// Dir is where Install writes the units: the administrator's directory,
// which overrides the packaged copies in /lib/systemd/system.
const Dir = "/etc/systemd/system"

// callTimeout bounds one systemd call or job.
const callTimeout = time.Minute

// Files returns the unit files for the options, by name.
func Files(o Options) map[string]string {
	files := map[string]string{ServiceName: Service(o)}
	if t := Timer(o); t != "" {
		files[TimerName] = t
	}
	return files
}

// Install writes the units under root (in Dir) and activates them: with
// root "/" over D-Bus (daemon-reload, then enable and start the timer, or
// the daemon service); under another root offline, by enablement links
// only, so the tree starts the agent when it boots. It returns what it did.
func Install(ctx context.Context, o Options, root string) ([]string, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	var did []string
	dir := filepath.Join(root, Dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	files := Files(o)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		text := files[name]
		path := filepath.Join(dir, name)
		if err := atomicfile.WriteFile(path, []byte(text), atomicfile.Options{Mode: 0o644}); err != nil {
			return did, err
		}
		did = append(did, "wrote "+path)
	}
	if !o.Daemon {
		// a daemon left from an earlier install would run the agent twice
		_ = os.Remove(filepath.Join(dir, "multi-user.target.wants", ServiceName))
	}
	main := TimerName
	if o.Daemon {
		main = ServiceName
		_ = os.Remove(filepath.Join(dir, TimerName))
		_ = os.Remove(filepath.Join(dir, "timers.target.wants", TimerName))
	}
	if root != "/" {
		return offline(ctx, root, main, did)
	}
	return online(ctx, main, did)
}

// online reloads systemd and enables and (re)starts the main unit.
func online(ctx context.Context, main string, did []string) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	conn, err := sdbus.NewSystemConnectionContext(ctx)
	if err != nil {
		if conn, err = sdbus.NewSystemdConnectionContext(ctx); err != nil {
			return did, fmt.Errorf("connecting to systemd (use --root for a tree that has not booted): %w", err)
		}
	}
	defer conn.Close()
	if err := conn.ReloadContext(ctx); err != nil {
		return did, fmt.Errorf("daemon-reload: %w", err)
	}
	did = append(did, "reloaded systemd")
	if _, _, err := conn.EnableUnitFilesContext(ctx, []string{main}, false, true); err != nil {
		return did, fmt.Errorf("enabling %s: %w", main, err)
	}
	did = append(did, "enabled "+main)
	ch := make(chan string, 1)
	if _, err := conn.RestartUnitContext(ctx, main, "replace", ch); err != nil {
		return did, fmt.Errorf("starting %s: %w", main, err)
	}
	select {
	case res := <-ch:
		if res != "done" {
			return did, fmt.Errorf("starting %s: job %s", main, res)
		}
	case <-ctx.Done():
		return did, fmt.Errorf("starting %s: %w", main, ctx.Err())
	}
	return append(did, "started "+main), nil
}

// offline links the main unit's enablement under root.
func offline(ctx context.Context, root, main string, did []string) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "systemctl", "--root="+root, "--no-pager", "enable", main)
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", "SYSTEMD_LOG_COLOR=0"}
	if out, err := cmd.CombinedOutput(); err != nil {
		return did, fmt.Errorf("systemctl --root=%s enable %s: %v: %s", root, main, err, strings.TrimSpace(string(out)))
	}
	return append(did, "enabled "+main+" under "+root+" (starts when it boots)"), nil
}
