# 9 is not an octal digit; the file kind rejects the mode when binding.
node "web" {
  # expect-error: 4:3 Invalid resource; file.motd: mode "0999" must be octal, like "0644"
  resource "file" "motd" {
    path    = "/etc/motd"
    content = "hello\n"
    mode    = "0999"
  }
}
