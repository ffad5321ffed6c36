node "web1" {
  roles = ["web", "mail"]

  resource "file" "motd" {
    path    = "/etc/motd"
    content = data.motd
  }
}
