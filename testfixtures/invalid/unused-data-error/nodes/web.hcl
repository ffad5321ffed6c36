node "web" {
  resource "file" "motd" {
    path    = "/etc/motd"
    content = data.motd
  }
}
