package supervise

import (
	"encoding/json"
	"os"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// ExitInternal is the exit code of a run in which tend itself crashed
// (EX_SOFTWARE of sysexits.h): outside the codes tend gives on purpose
// (0 to 6, and 8 to 14 for the agent's last known good).
const ExitInternal = 70

// linkEnv marks the supervised child; its value is the link's file
// descriptor.
const linkEnv = "TEND_SUPERVISED_LINK"

// linkFD is the descriptor the link has in the child (its ExtraFiles[0]).
const linkFD = 3

// Run says where a run records itself, so that a crash is recorded there
// too.
type Run struct {
	// Command is the subcommand ("apply", "agent").
	Command string `json:"command"`
	// RunID, Repo, Node, Root and StateDir are the run's, as its report
	// has them.
	RunID    string    `json:"run_id"`
	Repo     string    `json:"repo,omitempty"`
	Node     string    `json:"node"`
	Root     string    `json:"root,omitempty"`
	StateDir string    `json:"state_dir"`
	Started  time.Time `json:"started"`
	// MetricsFile is the agent's node_exporter textfile ("" for none).
	MetricsFile string `json:"metrics_file,omitempty"`
	// Interval is the agent's schedule, which the metrics state (zero:
	// unknown).
	Interval time.Duration `json:"interval,omitempty"`
	// Fallback is set when the run already applies the last known good
	// because an earlier child crashed: it is not retried.
	Fallback bool `json:"fallback,omitempty"`
}

// message is one line on the link.
type message struct {
	Ready   bool     `json:"ready,omitempty"`
	Exit    *int     `json:"exit,omitempty"`
	Run     *Run     `json:"run,omitempty"`
	Secrets []string `json:"secrets,omitempty"`
	// RunOver is the exit code of the announced run, which has finished
	// and recorded itself.
	RunOver *int `json:"run_over,omitempty"`
}

// Link is the child's side: what it tells its supervisor. A nil *Link
// (an unsupervised tend) accepts every call and does nothing.
type Link struct {
	mu sync.Mutex
	f  *os.File
}

// Child returns the link when this process is a supervised child, and nil
// otherwise. It removes the marker from the environment, so that the
// processes tend starts (tend providers serve among them) are not taken
// for supervised children, and keeps the descriptor from being inherited.
func Child() *Link {
	v, ok := os.LookupEnv(linkEnv)
	if !ok {
		return nil
	}
	os.Unsetenv(linkEnv)
	if v != strconv.Itoa(linkFD) {
		return nil
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(linkFD, &st); err != nil || st.Mode&syscall.S_IFMT != syscall.S_IFIFO {
		return nil
	}
	syscall.CloseOnExec(linkFD)
	return &Link{f: os.NewFile(linkFD, "supervisor link")}
}

// Supervised says whether a supervisor is listening.
func (l *Link) Supervised() bool { return l != nil }

// Ready tells the supervisor that the child handles SIGINT, SIGTERM and
// SIGHUP: the supervisor holds back the ones it receives until then,
// which would otherwise kill the child before it could stop cleanly.
func (l *Link) Ready() { l.send(message{Ready: true}) }

// Announce tells the supervisor where the run records itself.
func (l *Link) Announce(r Run) { l.send(message{Run: &r}) }

// RunOver tells the supervisor that the announced run has finished and
// recorded itself with exit code code: a crash after it (in a scheduled
// run's previews) is not the run's, so it is neither recorded as the
// run's failure nor retried on the last known good, and the run's code
// stays the exit code.
func (l *Link) RunOver(code int) { l.send(message{RunOver: &code}) }

// Secrets tells the supervisor which texts a crash excerpt must not show.
func (l *Link) Secrets(s []string) {
	if len(s) > 0 {
		l.send(message{Secrets: s})
	}
}

// Exit tells the supervisor the exit code the child is about to exit
// with; the caller exits right after.
func (l *Link) Exit(code int) { l.send(message{Exit: &code}) }

func (l *Link) send(m message) {
	if l == nil {
		return
	}
	b, err := json.Marshal(m)
	if err != nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	_, _ = l.f.Write(append(b, '\n'))
}
