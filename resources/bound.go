package resources

import (
	"fmt"
	"unicode/utf8"
)

// TextLimit is the default bound on a text that comes from outside tend's
// control and ends up in a message or a report: a provider's error or
// output, a command's output.
const TextLimit = 64 << 10

// Bound returns s when it is at most limit bytes long, and otherwise its
// beginning and its end (most of the room to the beginning, where an
// error says what went wrong) around a note of how many bytes were cut,
// never splitting a UTF-8 character. The result is at most limit bytes
// plus the note.
func Bound(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	headLen := limit * 3 / 4
	head, tail := s[:headLen], s[len(s)-(limit-headLen):]
	for len(head) > 0 && !utf8.RuneStart(s[len(head)]) {
		head = head[:len(head)-1]
	}
	for len(tail) > 0 && !utf8.RuneStart(tail[0]) {
		tail = tail[1:]
	}
	return fmt.Sprintf("%s\n(… %d bytes cut)\n%s", head, len(s)-len(head)-len(tail), tail)
}
