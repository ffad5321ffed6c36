# Paths hold no control characters: the diagnostic shows them escaped.
node "web" {
  resource "file" "newline" {
    # expect-error: 5:12 Invalid resource; file.newline: path "/etc/a\nb" contains the control character U+000A
    path = "/etc/a\nb"
  }
  resource "file" "nul" {
    # expect-error: 9:12 Invalid resource; file.nul: path "/etc/a\x00b" contains the control character U+0000
    path = "/etc/a\u0000b"
  }
  resource "file" "title" {
    # expect-error: 13:12 Invalid resource; file.title: path "/etc/\x1b]0;pwned\a" contains the control character U+001B
    path = "/etc/\u001b]0;pwned\u0007"
  }
}
