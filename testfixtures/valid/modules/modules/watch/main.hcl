# watch: restarts a unit whenever a file it reads changes.

variable "file" {
  type = string
}

variable "unit" {
  type = string
}

resource "file" "path_unit" {
  path    = "/etc/systemd/system/${var.unit}-watch.path"
  content = "[Path]\nPathChanged=${var.file}\nUnit=${var.unit}\n"
}

resource "exec" "daemon_reload" {
  command      = "systemctl daemon-reload"
  refresh_only = true
}
