package mutants

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"path"
	"strings"
)

// op is one kind of mutation. apply changes the mutant and says what it
// did, or returns "" when it found nothing to change.
type op struct {
	name   string
	weight int
	apply  func(r *rand.Rand, m *Mutant) string
}

// ops are the mutations, with how often each is picked.
var ops = []op{
	{"flip", 10, flipBits},
	{"byte", 8, setBytes},
	{"token-delete", 10, deleteTokens},
	{"token-dup", 8, duplicateTokens},
	{"token-swap", 6, swapTokens},
	{"value", 14, replaceValue},
	{"bomb", 3, nestingBomb},
	{"huge", 2, hugeString},
	{"encoding", 5, badEncoding},
	{"truncate", 4, truncate},
	{"lines", 6, mutateLines},
	{"splice", 5, spliceFiles},
	{"remove", 4, remove},
	{"rename", 3, rename},
	{"copy", 3, copyFile},
	{"symlink", 4, symlink},
	{"dir", 1, replaceByDir},
}

// Ops lists the mutations' names.
func Ops() []string {
	names := make([]string, len(ops))
	for i, o := range ops {
		names[i] = o.name
	}
	return names
}

func pick(r *rand.Rand) op {
	total := 0
	for _, o := range ops {
		total += o.weight
	}
	x := r.IntN(total)
	for _, o := range ops {
		if x < o.weight {
			return o
		}
		x -= o.weight
	}
	panic("unreachable")
}

// edit returns b with b[start:end] replaced by insert, as a new slice.
func edit(b []byte, start, end int, insert []byte) []byte {
	out := make([]byte, 0, len(b)-(end-start)+len(insert))
	out = append(out, b[:start]...)
	out = append(out, insert...)
	return append(out, b[end:]...)
}

func flipBits(r *rand.Rand, m *Mutant) string {
	f := m.file(r)
	if f == "" || len(m.files[f]) == 0 {
		return ""
	}
	b := bytes.Clone(m.files[f])
	var at []int
	for range 1 + r.IntN(8) {
		i := r.IntN(len(b))
		b[i] ^= 1 << r.IntN(8)
		at = append(at, i)
	}
	m.setFile(f, b)
	return fmt.Sprintf("%s: bits flipped at %v", f, at)
}

// troublesome are bytes a parser or a terminal may choke on.
var troublesome = []byte{0x00, 0xff, 0xc3, 0x80, 0x1b, '"', '{', '}', '[', ']', '(', ')',
	'$', '%', '\\', '\n', '\r', '#', '=', ',', '*', '/', '<', '.'}

func setBytes(r *rand.Rand, m *Mutant) string {
	f := m.file(r)
	if f == "" {
		return ""
	}
	b := m.files[f]
	var did []string
	for range 1 + r.IntN(4) {
		c := troublesome[r.IntN(len(troublesome))]
		i := r.IntN(len(b) + 1)
		if i < len(b) && r.IntN(2) == 0 {
			b = edit(b, i, i+1, []byte{c})
			did = append(did, fmt.Sprintf("set %d to %#x", i, c))
		} else {
			b = edit(b, i, i, []byte{c})
			did = append(did, fmt.Sprintf("inserted %#x at %d", c, i))
		}
	}
	m.setFile(f, b)
	return f + ": " + strings.Join(did, ", ")
}

func truncate(r *rand.Rand, m *Mutant) string {
	f := m.file(r)
	if f == "" {
		return ""
	}
	n := 0
	if len(m.files[f]) > 0 && r.IntN(4) > 0 {
		n = r.IntN(len(m.files[f]))
	}
	m.setFile(f, m.files[f][:n:n])
	return fmt.Sprintf("%s: truncated to %d bytes", f, n)
}

// encodings are sequences that are not, or not only, plain text.
var encodings = []string{"\x00", "\xff\xfe", "\xc3", "\xed\xa0\x80", "\xef\xbb\xbf", "\r",
	"\u202e", "\x1b[2J\x1b]0;title\x07", "\u00a0", "\ufffd", "\x7f", "\t\v\f"}

func badEncoding(r *rand.Rand, m *Mutant) string {
	f := m.file(r)
	if f == "" {
		return ""
	}
	b := m.files[f]
	switch r.IntN(4) {
	case 0:
		m.setFile(f, bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")))
		return f + ": line ends made CRLF"
	case 1:
		m.setFile(f, bytes.ReplaceAll(b, []byte("\n"), []byte("\r")))
		return f + ": line ends made CR"
	}
	e := encodings[r.IntN(len(encodings))]
	i := r.IntN(len(b) + 1)
	m.setFile(f, edit(b, i, i, []byte(e)))
	return fmt.Sprintf("%s: inserted %q at %d", f, e, i)
}

func mutateLines(r *rand.Rand, m *Mutant) string {
	f := m.file(r)
	if f == "" {
		return ""
	}
	lines := bytes.SplitAfter(m.files[f], []byte("\n"))
	i, j := r.IntN(len(lines)), r.IntN(len(lines))
	var did string
	switch r.IntN(3) {
	case 0:
		lines = append(lines[:i:i], lines[i+1:]...)
		did = fmt.Sprintf("line %d deleted", i+1)
	case 1:
		lines = append(lines[:i+1:i+1], lines[i:]...)
		did = fmt.Sprintf("line %d duplicated", i+1)
	default:
		lines = append([][]byte(nil), lines...)
		lines[i], lines[j] = lines[j], lines[i]
		did = fmt.Sprintf("lines %d and %d swapped", i+1, j+1)
	}
	m.setFile(f, bytes.Join(lines, nil))
	return f + ": " + did
}

// dirs are the directories a node repository is made of.
var dirs = []string{"nodes", "roles", "data", "data/roles", "data/nodes", "modules"}

func remove(r *rand.Rand, m *Mutant) string {
	if r.IntN(4) == 0 {
		d := dirs[r.IntN(len(dirs))]
		m.clear(d)
		return d + "/ removed"
	}
	f := m.file(r)
	if f == "" {
		return ""
	}
	m.clear(f)
	return f + " removed"
}

// destination picks where a file is renamed or copied to.
func destination(r *rand.Rand, f string) string {
	base := path.Base(f)
	switch r.IntN(5) {
	case 0:
		return strings.TrimSuffix(f, ".hcl") + ".HCL"
	case 1:
		return f + ".bak"
	case 2:
		return "nodes/default.hcl"
	}
	return path.Join(dirs[r.IntN(len(dirs))], base)
}

func rename(r *rand.Rand, m *Mutant) string {
	f := m.file(r)
	if f == "" {
		return ""
	}
	to, b := destination(r, f), m.files[f]
	m.clear(f)
	m.setFile(to, b)
	return f + " renamed " + to
}

func copyFile(r *rand.Rand, m *Mutant) string {
	f, g := m.file(r), m.file(r)
	if f == "" {
		return ""
	}
	if r.IntN(2) == 0 {
		g = destination(r, f)
	}
	m.setFile(g, m.files[f])
	return f + " copied to " + g
}

// linkTargets are where symlinks point: host files, nothing, loops,
// directories above the repository.
var linkTargets = []string{"/etc/passwd", "/etc/hostname", "/nonexistent/file", "/etc",
	"..", "../..", "../../..", "../../../etc/passwd", "self"}

func symlink(r *rand.Rand, m *Mutant) string {
	target := linkTargets[r.IntN(len(linkTargets))]
	var at string
	switch x := r.IntN(10); {
	case x < 5:
		at = m.file(r)
	case x < 8:
		at = dirs[r.IntN(len(dirs))]
	default:
		at = "nodes/linked.hcl"
	}
	if at == "" {
		return ""
	}
	if target == "self" {
		target = path.Base(at)
	} else if other := m.file(r); r.IntN(3) == 0 && other != "" {
		target = relative(at, other) // a link that stays inside
	}
	m.setLink(at, target)
	return at + " made a symlink to " + target
}

// relative is the path from the directory of from to to, both relative
// to the repository.
func relative(from, to string) string {
	up := strings.Count(path.Dir(from), "/")
	if path.Dir(from) != "." {
		up++
	}
	return strings.Repeat("../", up) + to
}

func replaceByDir(r *rand.Rand, m *Mutant) string {
	f := m.file(r)
	if f == "" {
		return ""
	}
	m.setDir(f)
	return f + " made a directory"
}
