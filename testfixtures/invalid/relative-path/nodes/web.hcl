# path must be absolute.
node "web" {
  resource "file" "motd" {
    # expect-error: 5:15 Invalid resource; file.motd: path "etc/motd" must be absolute
    path    = "etc/motd"
    content = "hello\n"
  }
}
