# app: a service with its configuration directory, config file and
# credentials.

variable "name" {
  type = string
  validation {
    condition     = length(regexall("^[a-z][a-z0-9-]*$", var.name)) > 0
    error_message = "name must be lower case letters, digits and dashes."
  }
}

variable "port" {
  type    = number
  default = 8000
}

variable "password" {
  type      = string
  sensitive = true
}

variable "admins" {
  type    = list(string)
  default = []
}

locals {
  dir = "/etc/${var.name}"
}

resource "file" "dir" {
  path   = local.dir
  ensure = "directory"
}

resource "file" "conf" {
  path     = "${local.dir}/${var.name}.conf"
  template = "templates/app.conf.tpl"
  vars     = { name = var.name, port = var.port, admins = var.admins }
}

resource "file" "credentials" {
  path    = "${local.dir}/credentials"
  content = templatefile("templates/credentials.tpl", { user = var.name, password = var.password })
  mode    = "0600"
}

output "conf_path" {
  value = file.conf.path
}

output "unit" {
  value = "${var.name}.service"
}
