resource "file" "conf" {
  path = "/etc/broken.conf"
  # expect-error: 4:13 Reference to undeclared input variable; No variable named "nope" is declared in this module.
  content = var.nope
}
