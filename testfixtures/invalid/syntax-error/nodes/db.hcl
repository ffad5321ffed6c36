# A node in a file that parses is still usable.
node "db" {
  resource "file" "motd" {
    path    = "/etc/motd"
    content = "db\n"
  }
}
