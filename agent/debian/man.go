package debian

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/tendhq/tend/agent/cli"
)

// ManPage writes tend(8) from tend's own command tree (cli.Command()):
// every command and subcommand with its synopsis, description, flags and
// examples, so the manual cannot fall behind the commands it documents.
// A flag whose default comes from the machine tend runs on shows the
// words its cli.HostDefault annotation gives, never the value taken on
// the machine that built the package.
func ManPage(root *cobra.Command, date time.Time) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, ".TH TEND 8 %s tend \"System Administration\"\n", date.Format("2006-01-02"))
	b.WriteString(manHead)
	for _, c := range manCommands(root) {
		writeCommand(&b, c)
	}
	b.WriteString(manTail)
	return b.Bytes()
}

// manCommands are the commands the manual documents, depth first in the
// tree's order: all but the hidden ones and the root.
func manCommands(c *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	for _, sub := range c.Commands() {
		if sub.Hidden {
			continue
		}
		out = append(out, sub)
		out = append(out, manCommands(sub)...)
	}
	return out
}

func writeCommand(b *bytes.Buffer, c *cobra.Command) {
	synopsis := c.CommandPath()
	if _, rest, ok := strings.Cut(c.Use, " "); ok {
		synopsis += " " + rest
	}
	fmt.Fprintf(b, ".SS %s\n%s.\n", roff(synopsis), roff(c.Short))
	for _, para := range strings.Split(c.Long, "\n\n") {
		if para = strings.TrimSpace(para); para != "" {
			fmt.Fprintf(b, ".PP\n%s\n", roff(strings.Join(strings.Fields(para), " ")))
		}
	}
	c.LocalNonPersistentFlags().VisitAll(func(f *pflag.Flag) {
		if f.Hidden || f.Name == "help" {
			return
		}
		writeFlag(b, f)
	})
	if c.Example != "" {
		fmt.Fprintf(b, ".PP\nExamples:\n.PP\n.nf\n%s.fi\n", roffBlock(c.Example))
	}
}

func writeFlag(b *bytes.Buffer, f *pflag.Flag) {
	b.WriteString(".TP\n")
	if f.Shorthand != "" {
		fmt.Fprintf(b, "\\fB\\-%s\\fR, ", roff(f.Shorthand))
	}
	fmt.Fprintf(b, "\\fB\\-\\-%s\\fR", roff(f.Name))
	typ, usage := pflag.UnquoteUsage(f)
	if typ != "" {
		fmt.Fprintf(b, " \\fI%s\\fR", roff(typ))
	}
	b.WriteString("\n" + roff(usage))
	if d := flagDefault(f); d != "" {
		b.WriteString(" (default: " + roff(d) + ")")
	}
	b.WriteString("\n")
}

// flagDefault is a flag's default as the manual says it: in words when
// it comes from the machine tend runs on, none when it is the type's
// zero value.
func flagDefault(f *pflag.Flag) string {
	if words := f.Annotations[cli.HostDefault]; len(words) > 0 {
		return words[0]
	}
	switch f.DefValue {
	case "", "false", "0", "0s", "[]":
		return ""
	}
	if f.Value.Type() == "string" {
		return strconv.Quote(f.DefValue)
	}
	return f.DefValue
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
[\fIflags\fR] [\fIarguments\fR]
.br
.B tend \-\-version
.br
.B tend help
[\fICOMMAND\fR]
.SH DESCRIPTION
tend converges a host to the state its node repository describes.
The repository holds HCL node files in git;
\fBtend plan\fR says what would change and why,
\fBtend apply\fR converges the host,
and \fBtend agent\fR, started by \fItend.timer\fR,
fetches the repository, verifies the commit's signature and applies it.
Flags may come before or after a command's arguments;
\fBtend COMMAND \-\-help\fR shows a command's synopsis, flags and examples.
Plans are coloured on a terminal unless NO_COLOR is set or
\fB\-\-no\-color\fR is given; never on a pipe.
.SH COMMANDS
`

const manTail = `.SH EXIT STATUS
plan, apply and agent add up bits: 2 when something changed (or would),
4 when something failed (or could not be planned), and, for the agent only,
8 when it applied its last known good commit instead of the source's tip.
.TP
.B 0
Nothing to do: the host matches its configuration.
.TP
.B 1
Invalid configuration or usage (a mistyped command or flag, a missing
argument, a command that changes the host run by another user than root);
nothing was applied.
.TP
.B 2
Changes made (plan: changes to make).
.TP
.B 3
The agent is disabled (tend disable) and did nothing.
.TP
.B 4
Failures: some resource failed, or was skipped because what it needs
failed (plan: could not be planned).
.TP
.B 5
Another run holds the lock (tend apply \-\-wait\-for\-lock waits); for
agent \-\-preview, another preview holds the preview cache.
.TP
.B 6
Changes and failures (2 + 4).
.TP
.B 8
The agent applied the last known good commit instead of the tip (the tip
could not be fetched, verified or validated, or crashed tend), and nothing
changed.
.TP
.B 10
Last known good applied (8), with changes (2).
.TP
.B 12
Last known good applied (8), with failures (4).
.TP
.B 14
Last known good applied (8), with changes and failures (2 + 4).
.TP
.B 70
tend itself crashed (an internal error: a bug in tend), from any command.
apply and agent then record a failed run, so that check is CRITICAL; the
agent applies the last known good commit instead of the tip that crashed
it. No crash ever exits 0 or 2.
.PP
agent \-\-preview REF: as plan (0, 2, 4, 6); 1 the preview was refused
(no such ref, an unsigned or wrongly signed tip, invalid configuration).
preview\-summary: 0 no preview failed, 4 some preview failed, 1 nothing to read.
diff\-catalog: 0 no node differs, 2 some do, 1 a node is broken by the change.
.PP
check has its own codes, as monitoring plugins do: 0 OK, 1 WARNING,
2 CRITICAL, 3 UNKNOWN (also for bad arguments).
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
