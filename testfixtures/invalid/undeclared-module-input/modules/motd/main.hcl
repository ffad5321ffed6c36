variable "text" {
  type = string
}

resource "file" "motd" {
  path    = "/etc/motd"
  content = var.text
}
