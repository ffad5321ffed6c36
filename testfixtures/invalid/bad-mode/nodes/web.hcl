# 9 is not an octal digit; the file kind rejects the mode when binding,
# and the diagnostic points at the attribute.
node "web" {
  resource "file" "motd" {
    path    = "/etc/motd"
    content = "hello\n"
    # expect-error: 8:15 Invalid resource; file.motd: mode "0999" must be octal, like "0644"
    mode    = "0999"
  }
}
