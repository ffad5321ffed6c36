# The node and its role both declare file.motd.
node "web" {
  roles = ["web"]
  resource "file" "motd" {
    path    = "/etc/motd"
    content = "web\n"
  }
}
