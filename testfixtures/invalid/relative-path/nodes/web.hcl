# path must be absolute.
node "web" {
  # expect-error: 4:3 Invalid resource; file.motd: path "etc/motd" must be absolute
  resource "file" "motd" {
    path    = "etc/motd"
    content = "hello\n"
  }
}
