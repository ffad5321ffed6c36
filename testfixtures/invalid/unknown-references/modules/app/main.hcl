variable "name" {
  type = string
}

resource "file" "conf" {
  path    = "/etc/app/${var.name}.conf"
  content = "name = ${var.name}\n"
}

output "path" {
  value = file.conf.path
}
