# icinga2: the Icinga 2 agent of a host watched by a monitoring master:
# the packages, this node's endpoint and zone below the master's, the API
# listener the master connects to (accepting its configuration and
# commands), the agent's certificates, and local checks of the host's
# services. icinga2.conf and the files it includes go live together once
# `icinga2 daemon -C` accepts them.

variable "endpoint" {
  type        = string
  description = "This node's endpoint, zone and NodeName: the common name of its API certificate, such as host.example.org."
  validation {
    condition     = length(regexall("^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$", var.endpoint)) > 0
    error_message = "endpoint must be a host name."
  }
}

variable "parent_zone" {
  type        = string
  default     = "master"
  description = "The zone of the monitoring master this node reports to."
  validation {
    condition     = length(regexall("^[A-Za-z0-9._-]+$", var.parent_zone)) > 0
    error_message = "parent_zone must be a zone name (letters, digits, dot, dash, underscore)."
  }
}

variable "parent_endpoints" {
  type        = list(string)
  description = "The endpoints of the parent zone (the masters), by name."
  validation {
    condition     = length(var.parent_endpoints) > 0 && length([for e in var.parent_endpoints : e if length(regexall("^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$", e)) == 0]) == 0
    error_message = "parent_endpoints must list at least one endpoint, each a host name."
  }
}

variable "parent_hosts" {
  type        = map(string)
  default     = {}
  description = "Addresses this node connects to, by parent endpoint (the Endpoint's host). Empty: the node never connects out; the masters connect to it."
}

variable "global_zones" {
  type        = list(string)
  default     = ["global-templates", "director-global"]
  description = "Global zones whose configuration the masters may sync to this node (Debian's defaults)."
}

variable "bind_host" {
  type        = string
  default     = ""
  description = "Address the API listens on. Empty: every address."
}

variable "bind_port" {
  type        = number
  default     = 5665
  description = "Port the API listens on."
}

variable "accept_config" {
  type        = bool
  default     = true
  description = "Accept configuration synced from the parent zone."
}

variable "accept_commands" {
  type        = bool
  default     = true
  description = "Accept commands (checks to run) from the parent zone."
}

variable "cert" {
  type        = string
  default     = ""
  description = "PEM certificate of this endpoint, signed by the masters' CA (icinga2 ca sign / pki sign-csr on a master). Empty, with key and ca_cert: a self-signed placeholder is generated, which lets the API start but which no master trusts."
}

variable "key" {
  type        = string
  default     = ""
  sensitive   = true
  description = "PEM private key of cert."
}

variable "ca_cert" {
  type        = string
  default     = ""
  description = "PEM certificate of the masters' CA (the master's /var/lib/icinga2/ca/ca.crt)."
}

variable "address" {
  type        = string
  default     = "127.0.0.1"
  description = "Address the local checks connect to (the local Host object's address)."
}

variable "checks" {
  type = map(object({
    command = string
    vars    = map(string)
  }))
  default     = {}
  description = "Local checks by service name: an Icinga CheckCommand (ssh, smtp, procs...) and its custom variables (procs_command = \"master\")."
  validation {
    condition = length([for name, c in var.checks : name if length(regexall("^[A-Za-z0-9._-]+$", name)) == 0 ||
    length(regexall("^[a-z0-9_-]+$", c.command)) == 0 || length([for k, v in c.vars : k if length(regexall("^[a-z][a-z0-9_]*$", k)) == 0]) > 0]) == 0
    error_message = "checks: names are letters, digits, dot, dash or underscore; commands lower case letters, digits, dash or underscore; variable names lower case identifiers."
  }
}

locals {
  certs_dir = "/var/lib/icinga2/certs"
  # Where the health check connects: loopback when the API listens on
  # every address.
  probe_host = (contains(["", "0.0.0.0", "::"], var.bind_host) ? "127.0.0.1"
  : length(regexall(":", var.bind_host)) > 0 ? "[${var.bind_host}]" : var.bind_host)
  # The placeholder when no certificate is given. Only the public parts
  # decide: a decision on the key would make every name it selects
  # sensitive.
  given     = var.cert != "" || var.ca_cert != ""
  cert_path = "${local.certs_dir}/${var.endpoint}.crt"
  key_path  = "${local.certs_dir}/${var.endpoint}.key"
  ca_path   = "${local.certs_dir}/ca.crt"
  api_conf  = "/etc/icinga2/features-enabled/api.conf"
  # Icinga strings: backslash and double quote escaped.
  checks = { for name, c in var.checks : name => {
    command = c.command
    vars    = { for k, v in c.vars : k => replace(replace(v, "\\", "\\\\"), "\"", "\\\"") }
  } }
  # icinga2 drops to the nagios user, which cannot read the staging
  # directory (% holds the candidates and links to the rest of
  # /etc/icinga2): the check reads a copy it may read.
  check = <<-EOT
    d=$(mktemp -d) || exit 1
    trap 'rm -rf "$d"' EXIT
    cp -RL % "$d/icinga2" && chgrp -R nagios "$d" && chmod -R g+rX "$d" || exit 1
    out=$(icinga2 daemon -C -c "$d/icinga2/icinga2.conf" 2>&1) ||
      { echo "$out" | grep -E 'critical|^/|^ *\^' | sed "s#$d/icinga2/#/etc/icinga2/#g" >&2; exit 1; }
  EOT
}

# icinga2 recommends its documentation, readline and the monitoring
# plugins: only the plugins are needed, installed by name.
resource "package" "icinga2" {
  for_each           = toset(["icinga2", "monitoring-plugins-basic"])
  name               = each.key
  install_recommends = false
}

resource "file" "certs_dir" {
  path       = local.certs_dir
  ensure     = "directory"
  owner      = "nagios"
  group      = "nagios"
  mode       = "0700"
  depends_on = [package.icinga2]
}

resource "file" "cert" {
  for_each = toset(local.given ? [local.cert_path] : [])
  path     = each.key
  content  = var.cert
  owner    = "nagios"
  group    = "nagios"
  mode     = "0644"
  notify   = [service.icinga2]
}

resource "file" "key" {
  for_each = toset(local.given ? [local.key_path] : [])
  path     = each.key
  content  = sensitive(var.key)
  owner    = "nagios"
  group    = "nagios"
  mode     = "0600"
  notify   = [service.icinga2]
}

resource "file" "ca_cert" {
  for_each = toset(local.given ? [local.ca_path] : [])
  path     = each.key
  content  = var.ca_cert
  owner    = "nagios"
  group    = "nagios"
  mode     = "0644"
  notify   = [service.icinga2]
}

# Without a certificate from the masters' CA: a self-signed one for the
# endpoint, which is its own CA too. The API starts and listens; no master
# trusts it until cert, key and ca_cert are given (they then replace it).
resource "exec" "placeholder_cert" {
  for_each   = toset(local.given ? [] : [var.endpoint])
  command    = "icinga2 pki new-cert --cn '${each.key}' --key '${local.key_path}' --cert '${local.cert_path}' && cp '${local.cert_path}' '${local.ca_path}' && chown nagios:nagios '${local.key_path}' '${local.cert_path}' '${local.ca_path}' && chmod 0600 '${local.key_path}'"
  unless     = "test -s '${local.key_path}' && test -s '${local.cert_path}' && test -s '${local.ca_path}'"
  depends_on = [file.certs_dir]
  notify     = [service.icinga2]
}

# `icinga2 feature enable api` links features-enabled/api.conf to
# Debian's features-available/api.conf; the module's api.conf is a file
# in its place, which replaces files only.
resource "exec" "api_link" {
  command    = "rm -f '${local.api_conf}'"
  onlyif     = "test -L '${local.api_conf}'"
  depends_on = [package.icinga2]
}

# The certificates must be in place for the check: the API loads them.
resource "file_group" "icinga2" {
  directory    = "/etc/icinga2"
  validate_cmd = local.check
  depends_on   = [package.icinga2, file.cert, file.key, file.ca_cert, exec.placeholder_cert, exec.api_link]
}

resource "file" "conf" {
  path       = "/etc/icinga2/icinga2.conf"
  source     = "templates/icinga2.conf"
  owner      = "root"
  group      = "nagios"
  mode       = "0640"
  file_group = file_group.icinga2
  depends_on = [package.icinga2]
  notify     = [service.icinga2]
}

resource "file" "constants" {
  path       = "/etc/icinga2/constants.conf"
  template   = "templates/constants.conf.tpl"
  vars       = { endpoint = var.endpoint }
  owner      = "root"
  group      = "nagios"
  mode       = "0640"
  file_group = file_group.icinga2
  depends_on = [package.icinga2]
  notify     = [service.icinga2]
}

resource "file" "zones" {
  path     = "/etc/icinga2/zones.conf"
  template = "templates/zones.conf.tpl"
  vars = {
    parent_zone      = var.parent_zone
    parent_endpoints = var.parent_endpoints
    parent_hosts     = var.parent_hosts
    global_zones     = var.global_zones
  }
  owner      = "root"
  group      = "nagios"
  mode       = "0640"
  file_group = file_group.icinga2
  depends_on = [package.icinga2]
  notify     = [service.icinga2]
}

resource "file" "api" {
  path     = local.api_conf
  template = "templates/api.conf.tpl"
  vars = {
    bind_host       = var.bind_host
    bind_port       = var.bind_port
    accept_config   = var.accept_config
    accept_commands = var.accept_commands
  }
  owner      = "root"
  group      = "nagios"
  mode       = "0640"
  file_group = file_group.icinga2
  depends_on = [package.icinga2]
  notify     = [service.icinga2]
}

resource "file" "checks" {
  path       = "/etc/icinga2/local-checks.conf"
  template   = "templates/local-checks.conf.tpl"
  vars       = { address = var.address, checks = local.checks }
  owner      = "root"
  group      = "nagios"
  mode       = "0640"
  file_group = file_group.icinga2
  depends_on = [package.icinga2]
  notify     = [service.icinga2]
}

resource "service" "icinga2" {
  name    = "icinga2"
  ensure  = "running"
  enable  = true
  refresh = "reload"
  # After a reload the API must listen again; if not, the change is
  # rolled back.
  health = [{ name = "api listens", tcp = "${local.probe_host}:${var.bind_port}" }]
}

output "endpoint" {
  value = var.endpoint
}

output "api_port" {
  value = var.bind_port
}
