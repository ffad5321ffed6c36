# opendkim: DKIM signing for the mail Postfix sends: the package, the
# signing key (given, or generated when asked), opendkim.conf, the hosts it signs for, its socket inside
# Postfix's chroot and the service. The milter output is what Postfix
# should use: set once the key's DNS record is in place (or forced).

variable "domain" {
  type        = string
  description = "The signing domain (Domain), such as example.org."
}

variable "selector" {
  type        = string
  description = "The key's selector (Selector): the record is SELECTOR._domainkey.DOMAIN."
}

variable "key_directory" {
  type        = string
  default     = "/etc/dkim"
  description = "Where the key (SELECTOR.private, SELECTOR.txt) and the internal hosts file live."
}

variable "private_key" {
  type        = string
  default     = null
  sensitive   = true
  description = "The signing key, PEM (RSA or Ed25519), typically decrypt() of the age-encrypted key kept in the repository: SELECTOR.private holds exactly it, replacing a different key, so a rebuilt host signs with the key DNS publishes. Null: see generate."
}

variable "generate" {
  type        = bool
  default     = false
  description = "Without private_key: generate a key on the host when it has none, kept afterwards (publish SELECTOR.txt). With neither, a host without a key fails the plan."
  validation {
    condition     = !(var.generate && var.private_key != null)
    error_message = "generate = true and private_key exclude each other: with the key given, nothing is generated; set generate = false."
  }
}

variable "algorithm" {
  type        = string
  default     = "rsa-2048"
  description = "Algorithm of a key generate makes: rsa-2048, rsa-3072 or ed25519. An existing or given key is kept whatever its algorithm."
}

variable "internal_hosts" {
  type        = list(string)
  default     = ["127.0.0.1"]
  description = "Hosts and networks whose mail is signed rather than verified (InternalHosts)."
}

variable "socket" {
  type        = string
  default     = "local:/var/spool/postfix/opendkim/opendkim.sock"
  description = "Where opendkim listens (Socket): a unix socket inside Postfix's chroot, /var/spool/postfix, or inet:PORT@HOST."
  validation {
    condition     = length(regexall("^(local:/var/spool/postfix/[^/]+/[^/]+|inet:[0-9]+@[^@ ]+)$", var.socket)) > 0
    error_message = "socket must be local:/var/spool/postfix/DIR/NAME (reachable from Postfix's chroot) or inet:PORT@HOST."
  }
}

variable "dns_check" {
  type        = bool
  default     = false
  description = "Compare the TXT record DNS serves with the key; the milter output is set only when they match (or force_milter)."
}

variable "resolver" {
  type        = string
  default     = ""
  description = "DNS server for dns_check, IP:port. Empty: the first nameserver of /etc/resolv.conf."
}

variable "force_milter" {
  type        = bool
  default     = false
  description = "Set the milter output even though DNS does not (yet) serve the key's record."
}

locals {
  local_socket = substr(var.socket, 0, 6) == "local:"
  socket_path  = local.local_socket ? trimprefix(var.socket, "local:") : ""
  # Postfix's smtpd and cleanup run chrooted in /var/spool/postfix (Debian's
  # master.cf), so the socket's path for them starts below it.
  inet_parts = local.local_socket ? [] : regex("^inet:([0-9]+)@(.+)$", var.socket)
  address = (local.local_socket
    ? "unix:${trimprefix(local.socket_path, "/var/spool/postfix")}"
  : "inet:${local.inet_parts[1]}:${local.inet_parts[0]}")
  # Named, not referred to as file.internal_hosts.path: members of one
  # file_group never depend on each other.
  internal_hosts = "${var.key_directory}/internalhosts"
  socket_dirs = toset(compact([local.local_socket ? regex("^(.*)/[^/]+$", local.socket_path)[0] : ""]))
}

resource "package" "opendkim" {
  for_each = toset(["opendkim", "opendkim-tools"])
  name     = each.key
}

resource "file" "key_directory" {
  path       = var.key_directory
  ensure     = "directory"
  owner      = "opendkim"
  group      = "opendkim"
  mode       = "0750"
  depends_on = [package.opendkim]
}

resource "dkim_key" "key" {
  directory   = file.key_directory.path
  selector    = var.selector
  domain      = var.domain
  private_key = var.private_key
  generate    = var.generate
  algorithm   = var.algorithm
  dns_check   = var.dns_check
  resolver    = var.resolver == "" ? null : var.resolver
  notify      = [service.opendkim]
}

# opendkim.conf and the internal hosts go live together. The group's
# directory holds both: /etc unless the keys live elsewhere.
resource "file_group" "opendkim" {
  directory = substr(var.key_directory, 0, 5) == "/etc/" ? "/etc" : "/"
}

resource "file" "internal_hosts" {
  path       = local.internal_hosts
  file_group = file_group.opendkim
  content    = join("", [for h in var.internal_hosts : "${h}\n"])
  owner      = "root"
  group      = "opendkim"
  mode       = "0640"
  depends_on = [package.opendkim]
  notify     = [service.opendkim]
}

# The socket's directory: opendkim creates the socket there, Postfix
# connects to it. Postfix's daemons keep only their primary group, so
# membership in group opendkim alone would not let them in: the setgid
# bit gives the socket group postfix, and UMask 007 makes it writable
# for that group.
resource "file" "socket_dir" {
  for_each   = local.socket_dirs
  path       = each.key
  ensure     = "directory"
  owner      = "opendkim"
  group      = "postfix"
  mode       = "2750"
  depends_on = [package.opendkim]
}

resource "file" "conf" {
  path     = "/etc/opendkim.conf"
  template = "templates/opendkim.conf.tpl"
  vars = {
    domain         = var.domain
    selector       = var.selector
    key_file       = "${file.key_directory.path}/${var.selector}.private"
    internal_hosts = local.internal_hosts
    socket         = var.socket
  }
  owner      = "root"
  group      = "root"
  mode       = "0644"
  file_group = file_group.opendkim
  depends_on = [package.opendkim, file.socket_dir]
  notify     = [service.opendkim]
}

resource "service" "opendkim" {
  name    = "opendkim"
  ensure  = "running"
  enable  = true
  refresh = "restart"
  # After a restart the milter socket must accept a connection; if not,
  # the change is rolled back.
  health = [{
    name = "milter socket accepts"
    unix = local.local_socket ? local.socket_path : null
    tcp  = local.local_socket ? null : "${local.inet_parts[1]}:${local.inet_parts[0]}"
  }]
  # The key must be in place before the daemon first starts.
  depends_on = [dkim_key.key, file.conf]
}

output "milter" {
  value = var.force_milter || dkim_key.key.dns_matches ? local.address : ""
}

output "milters" {
  value = var.force_milter || dkim_key.key.dns_matches ? [local.address] : []
}

output "address" {
  value = local.address
}

output "postfix_groups" {
  # The group the opendkim package creates (named like it): Postfix must
  # be in it to reach the socket. Naming the package orders the
  # membership after the package.
  value = [package.opendkim["opendkim"].name]
}

output "txt_path" {
  value = "${file.key_directory.path}/${var.selector}.txt"
}
