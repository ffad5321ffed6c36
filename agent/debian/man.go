package debian

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// subcommands are the commands' own subcommands the manual documents.
var subcommands = []string{"agent install"}

// ManPage writes tend(8) from the binary's own help: the command list of
// `tend help` and each command's flags from `tend COMMAND -h`, so the
// manual cannot fall behind the binary it ships with.
func ManPage(ctx context.Context, binary string, date time.Time) ([]byte, error) {
	out, err := exec.CommandContext(ctx, binary, "help").Output()
	if err != nil {
		return nil, fmt.Errorf("%s help: %w", binary, err)
	}
	cmds := commandList(string(out))
	if len(cmds) == 0 {
		return nil, fmt.Errorf("%s help lists no commands", binary)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, ".TH TEND 8 %s tend \"System Administration\"\n", date.Format("2006-01-02"))
	b.WriteString(manHead)
	for _, c := range cmds {
		fmt.Fprintf(&b, ".SS %s\n%s\n", roff(c[0]), roff(c[1]))
		if flags := helpOf(ctx, binary, c[0]); flags != "" {
			fmt.Fprintf(&b, ".PP\n.nf\n%s.fi\n", roffBlock(flags))
		}
		for _, s := range subcommands {
			if name, ok := strings.CutPrefix(s, c[0]+" "); ok {
				if flags := helpOf(ctx, binary, c[0], name); flags != "" {
					fmt.Fprintf(&b, ".PP\n\\fBtend %s\\fR\n.PP\n.nf\n%s.fi\n", roff(s), roffBlock(flags))
				}
			}
		}
	}
	b.WriteString(manTail)
	return b.Bytes(), nil
}

// commandList reads "  name  summary" lines after "Commands:".
func commandList(help string) [][2]string {
	_, rest, ok := strings.Cut(help, "Commands:\n")
	if !ok {
		return nil
	}
	var cmds [][2]string
	for _, line := range strings.Split(rest, "\n") {
		if !strings.HasPrefix(line, "  ") {
			break
		}
		name, summary, _ := strings.Cut(strings.TrimSpace(line), " ")
		cmds = append(cmds, [2]string{name, strings.TrimSpace(summary)})
	}
	return cmds
}

// helpOf is a command's flag usage (printed on stderr by -h), or "".
func helpOf(ctx context.Context, binary string, args ...string) string {
	cmd := exec.CommandContext(ctx, binary, append(args, "-h")...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if cmd.Run() != nil {
		return ""
	}
	// defaults taken from the build machine are not the target's
	text := stderr.String()
	if host, err := os.Hostname(); err == nil {
		text = strings.ReplaceAll(text, `(default "`+host+`")`, "(default: the host name)")
	}
	return text
}

// roff escapes text for one filled line.
func roff(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	s = strings.ReplaceAll(s, "-", `\-`)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}

// roffBlock escapes a preformatted block line by line.
func roffBlock(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString(roff(strings.ReplaceAll(line, "\t", "        ")) + "\n")
	}
	return b.String()
}

const manHead = `.SH NAME
tend \- pull\-style configuration agent for Debian hosts
.SH SYNOPSIS
.B tend
.I COMMAND
[\fIflags\fR]
.SH DESCRIPTION
tend converges a host to the state its node repository describes.
The repository holds HCL node files in git;
\fBtend plan\fR says what would change and why,
\fBtend apply\fR converges the host,
and \fBtend agent\fR, started by \fItend.timer\fR,
fetches the repository, verifies the commit's signature and applies it.
.SH COMMANDS
`

const manTail = `.SH EXIT STATUS
plan, apply and agent: 0 nothing to do, 2 changes made, 4 failures,
6 changes and failures, 1 invalid configuration or usage,
3 the agent is disabled (tend disable) and did nothing.
.PP
agent \-\-preview REF: as plan (0, 2, 4, 6); 1 the preview was refused
(no such ref, an unsigned or wrongly signed tip, invalid configuration);
5 another preview holds the preview cache.
preview\-summary: 0 no preview failed, 4 some preview failed, 1 nothing to read.
.PP
Any command: 70 tend itself crashed (an internal error: a bug in tend).
apply and agent then record a failed run, so that check is CRITICAL;
the agent applies the last known good commit instead of the tip that
crashed it. No crash ever exits 0 or 2.
.PP
check: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN, as monitoring plugins do.
.SH FILES
.TP
.I /etc/tend/agent.hcl
The agent's configuration (source repository, signing keys).
.TP
.I /var/lib/tend
State: reports, \fIlast_run_summary.json\fR, the disable, the source cache,
the preview reports (\fIpreviews/REF.json\fR).
.TP
.I /var/lib/prometheus/node\-exporter/tend.prom
Metrics for node_exporter's textfile collector; \fItend\-preview.prom\fR
beside it holds the previews' metrics.
.TP
.I /lib/systemd/system/tend.service, /lib/systemd/system/tend.timer
The schedule; \fBtend agent install\fR writes its own copies to /etc/systemd/system.
.SH SEE ALSO
.BR systemctl (1),
.BR systemd.timer (5),
.BR journalctl (1)
`
