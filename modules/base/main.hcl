# base: what every mail host has: its packages, mail name and admin aliases.

variable "mailname" {
  type        = string
  description = "The domain outgoing mail is from, written to /etc/mailname."
  validation {
    condition     = length(regexall("^[a-z0-9.-]+$", var.mailname)) > 0
    error_message = "mailname must be a domain name."
  }
}

variable "aliases" {
  type        = map(string)
  default     = {}
  description = "Local aliases, name => destination, written to /etc/aliases."
}

variable "packages" {
  type        = list(string)
  default     = []
  description = "Debian packages every host of this kind has (admin tools, syslog...), installed in one apt run."
}

resource "package" "base" {
  for_each = toset(var.packages)
  name     = each.key
}

resource "file" "mailname" {
  path    = "/etc/mailname"
  content = "${var.mailname}\n"
  owner   = "root"
  group   = "root"
  mode    = "0644"
}

resource "file" "aliases" {
  path     = "/etc/aliases"
  template = "templates/aliases.tpl"
  vars     = { aliases = var.aliases }
  owner    = "root"
  group    = "root"
  mode     = "0644"
}

output "aliases_path" {
  value = file.aliases.path
}

output "mailname_path" {
  value = file.mailname.path
}
