# relay: Postfix as an outgoing relay that delivers nothing locally.

variable "mydomain" {
  type = string
}

variable "myhostname" {
  type = string
}

variable "mydestination" {
  type = list(string)
}

variable "mynetworks" {
  type = list(string)
}

variable "smtp_helo_name" {
  type = string
}

variable "canonical_maps" {
  type = list(object({ pattern = string, replacement = string }))
}

variable "transport" {
  type = list(object({ domain = string, route = string }))
}

resource "file" "postfix_dir" {
  path   = "/etc/postfix"
  ensure = "directory"
  mode   = "0755"
}

resource "file" "main_cf" {
  path     = "/etc/postfix/main.cf"
  template = "templates/main.cf.tpl"
  vars = {
    mydomain       = var.mydomain
    myhostname     = var.myhostname
    mydestination  = var.mydestination
    mynetworks     = var.mynetworks
    smtp_helo_name = var.smtp_helo_name
  }
  mode = "0644"
}

resource "file" "canonical_maps" {
  path    = "/etc/postfix/canonical_maps"
  content = join("", [for m in var.canonical_maps : format("%-32s%s\n", m.pattern, m.replacement)])
  mode    = "0644"
}

resource "file" "transport" {
  path    = "/etc/postfix/transport"
  content = join("", [for t in var.transport : format("%-20s%s\n", t.domain, t.route)])
  mode    = "0644"
}
