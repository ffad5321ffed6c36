resource "file" "m" {
  path = "/etc/m"
}
