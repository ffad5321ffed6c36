# base: the system both hosts share beyond mail: SSH for the admins only,
# with host keys kept in the configuration; sudo for the admins; APT
# through the infrastructure's proxy; the resolvers; cron and rsyslog.

variable "admin_group" {
  type        = string
  default     = "sshadmins"
  description = "Group of the admins: the only group sshd lets in (AllowGroups), and the group sudo trusts."
  validation {
    condition     = length(regexall("^[a-z_][a-z0-9_-]*$", var.admin_group)) > 0
    error_message = "admin_group must be a group name (lower case letters, digits, _ and -)."
  }
}

variable "admins" {
  type = map(object({
    keys = list(string)
  }))
  default     = {}
  description = "The admins, by login name: each gets an account in admin_group, a home directory and these SSH public keys in ~/.ssh/authorized_keys."
}

variable "ssh_host_keys" {
  type = map(object({
    private_key = string
    public_key  = string
  }))
  default     = {}
  description = "SSH host keys by algorithm (rsa, ecdsa, ed25519): /etc/ssh/ssh_host_ALG_key and its .pub, and sshd presents exactly these. Keep the private keys encrypted: decrypt(...). Empty: sshd uses the keys the package generated."
  validation {
    condition     = length(setsubtract(keys(var.ssh_host_keys), ["rsa", "ecdsa", "ed25519"])) == 0
    error_message = "ssh_host_keys takes the algorithms rsa, ecdsa and ed25519."
  }
}

variable "ssh_password_authentication" {
  type        = bool
  default     = false
  description = "Let the admins log in with a password too (PasswordAuthentication). Root never logs in over SSH."
}

variable "apt_proxy" {
  type        = string
  default     = ""
  description = "HTTP proxy APT downloads through, such as \"http://proxy.example.org:3128/\" (Acquire::http::Proxy in /etc/apt/apt.conf.d/30proxy). Empty: the file is removed, APT connects directly."
  validation {
    condition     = var.apt_proxy == "" || length(regexall("^https?://[^ ]+$", var.apt_proxy)) > 0
    error_message = "apt_proxy must be an http:// or https:// URL, or empty."
  }
}

variable "apt_sources" {
  type = map(object({
    uris       = list(string)
    suites     = list(string)
    components = list(string)
    key        = string
  }))
  default     = {}
  description = "Extra APT sources, by name (the file stem under /etc/apt/sources.list.d): each with the key its Release file is signed with (armored or binary, such as file(\"keys/repo.asc\")), trusted for that source only. They come before every package: a package from one installs in the same run, after one apt-get update."
}

variable "resolvers" {
  type        = list(string)
  default     = []
  description = "Name servers written to /etc/resolv.conf, in order (at most 3, glibc's limit). Empty: /etc/resolv.conf is not managed."
  validation {
    condition     = length(var.resolvers) <= 3
    error_message = "resolvers lists at most 3 name servers: the resolver ignores the others."
  }
}

variable "search_domains" {
  type        = list(string)
  default     = []
  description = "Search domains written to /etc/resolv.conf with the resolvers."
}

locals {
  # The services every host runs, from Debian's packages.
  system_services = { ssh = "openssh-server", cron = "cron", rsyslog = "rsyslog" }
}

resource "package" "system" {
  for_each = toset(concat(values(local.system_services), ["sudo"]))
  name     = each.key
}

resource "service" "system" {
  for_each   = local.system_services
  name       = each.key
  ensure     = "running"
  enable     = true
  depends_on = [package.system]
}

resource "group" "admins" {
  name   = var.admin_group
  system = true
}

resource "user" "admin" {
  for_each = var.admins
  name     = each.key
  groups   = [group.admins.name]
  home     = "/home/${each.key}"
  shell    = "/bin/bash"
  system   = false
}

resource "file" "admin_home" {
  for_each = var.admins
  path     = user.admin[each.key].home
  ensure   = "directory"
  owner    = each.key
  group    = each.key
  mode     = "0750"
}

resource "file" "admin_ssh" {
  for_each = var.admins
  path     = "${file.admin_home[each.key].path}/.ssh"
  ensure   = "directory"
  owner    = each.key
  group    = each.key
  mode     = "0700"
}

resource "file" "admin_keys" {
  for_each = var.admins
  path     = "${file.admin_ssh[each.key].path}/authorized_keys"
  content  = join("", [for k in each.value.keys : "${k}\n"])
  owner    = each.key
  group    = each.key
  mode     = "0600"
}

resource "file" "ssh_host_key" {
  for_each   = var.ssh_host_keys
  path       = "/etc/ssh/ssh_host_${each.key}_key"
  content    = sensitive(each.value.private_key)
  owner      = "root"
  group      = "root"
  mode       = "0600"
  depends_on = [package.system]
  notify     = [service.system["ssh"]]
}

resource "file" "ssh_host_key_pub" {
  for_each   = var.ssh_host_keys
  path       = "${file.ssh_host_key[each.key].path}.pub"
  content    = "${trimspace(each.value.public_key)}\n"
  owner      = "root"
  group      = "root"
  mode       = "0644"
  depends_on = [package.system]
}

# sshd_config whole: the settings come before the Include, so a file
# dropped into sshd_config.d cannot loosen them (sshd keeps the first
# value it reads). sshd -t needs its privilege separation directory,
# which only the running service creates.
resource "file" "sshd_config" {
  path     = "/etc/ssh/sshd_config"
  template = "templates/sshd_config.tpl"
  vars = {
    host_keys    = [for alg in ["rsa", "ecdsa", "ed25519"] : "/etc/ssh/ssh_host_${alg}_key" if contains(keys(var.ssh_host_keys), alg)]
    admin_group  = group.admins.name
    passwords    = var.ssh_password_authentication
  }
  owner        = "root"
  group        = "root"
  mode         = "0644"
  validate_cmd = "mkdir -p /run/sshd && /usr/sbin/sshd -t -f %"
  depends_on   = [package.system, file.ssh_host_key]
  notify       = [service.system["ssh"]]
}

resource "file" "sudoers" {
  path         = "/etc/sudoers.d/admins"
  content      = "# The admins may run anything as anyone.\n%${group.admins.name} ALL=(ALL:ALL) ALL\n"
  owner        = "root"
  group        = "root"
  mode         = "0440"
  validate_cmd = "/usr/sbin/visudo -cqf %"
  depends_on   = [package.system]
}

resource "file" "apt_proxy" {
  path    = "/etc/apt/apt.conf.d/30proxy"
  ensure  = var.apt_proxy == "" ? "absent" : "file"
  content = var.apt_proxy == "" ? null : "Acquire::http::Proxy \"${var.apt_proxy}\";\n"
  owner   = var.apt_proxy == "" ? null : "root"
  group   = var.apt_proxy == "" ? null : "root"
  mode    = var.apt_proxy == "" ? null : "0644"
}

resource "apt_source" "extra" {
  for_each   = var.apt_sources
  name       = each.key
  uris       = each.value.uris
  suites     = each.value.suites
  components = each.value.components
  key        = each.value.key
}

resource "file" "resolv_conf" {
  for_each = length(var.resolvers) > 0 ? toset(["/etc/resolv.conf"]) : toset([])
  path     = each.key
  content  = join("", concat(
    length(var.search_domains) > 0 ? ["search ${join(" ", var.search_domains)}\n"] : [],
    [for r in var.resolvers : "nameserver ${r}\n"],
  ))
  owner = "root"
  group = "root"
  mode  = "0644"
}

output "admin_group" {
  value = group.admins.name
}
