# Any node without a block of its own is a plain web server.
node "default" {
  roles = ["web"]

  resource "file" "motd" {
    path    = "/etc/motd"
    content = "${node.name}: ${trimspace(data.motd)}\n"
  }
}
