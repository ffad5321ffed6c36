# fail2ban: bans addresses that fail to log in too often, reading the
# systemd journal: jails for sshd, Postfix's SASL authentication and
# Dovecot in one jail.d file (jail.conf stays Debian's), banned with
# nftables. The file goes live once fail2ban-client accepts the whole
# configuration; after a reload every enabled jail must be running.

variable "jails" {
  type        = list(string)
  default     = ["sshd", "postfix-sasl", "dovecot"]
  description = "Jails enabled: any of sshd, postfix-sasl (SASL authentication failures of Postfix's smtpd) and dovecot. The others are disabled."
  validation {
    condition     = length(setsubtract(var.jails, ["sshd", "postfix-sasl", "dovecot"])) == 0
    error_message = "jails may only name sshd, postfix-sasl and dovecot."
  }
}

variable "ignoreip" {
  type        = list(string)
  default     = ["127.0.0.1/8", "::1"]
  description = "Addresses and networks never banned (ignoreip): addresses, CIDR networks or host names."
  validation {
    condition     = length([for a in var.ignoreip : a if length(regexall("^[0-9A-Za-z.:/_-]+$", a)) == 0]) == 0
    error_message = "ignoreip entries must be addresses, networks (CIDR) or host names, without spaces."
  }
}

variable "bantime" {
  type        = string
  default     = "10m"
  description = "How long an address stays banned, in fail2ban's notation: seconds, or a number with s, m, h, d or w (\"10m\", \"1h\"); \"-1\" bans for good."
  validation {
    condition     = length(regexall("^(-1|[0-9]+[smhdw]?)$", var.bantime)) > 0
    error_message = "bantime must be seconds, a number with s, m, h, d or w, or -1."
  }
}

variable "findtime" {
  type        = string
  default     = "10m"
  description = "The window in which maxretry failures ban an address, in the notation of bantime."
  validation {
    condition     = length(regexall("^[0-9]+[smhdw]?$", var.findtime)) > 0
    error_message = "findtime must be seconds or a number with s, m, h, d or w."
  }
}

variable "maxretry" {
  type        = number
  default     = 5
  description = "Failures within findtime that ban an address."
  validation {
    condition     = var.maxretry >= 1 && floor(var.maxretry) == var.maxretry
    error_message = "maxretry must be a whole number of at least 1."
  }
}

locals {
  # What each jail adds to Debian's jail.conf. Postfix runs as the
  # instance postfix@-.service on Debian 11, not the postfix.service the
  # filter's journal match names.
  known = {
    sshd           = { filter = "", journalmatch = "" }
    "postfix-sasl" = { filter = "postfix[mode=auth]", journalmatch = "_SYSTEMD_UNIT=postfix@-.service" }
    dovecot        = { filter = "", journalmatch = "" }
  }
}

# python3-systemd (the journal backend) and nftables (the ban action) are
# only recommended by fail2ban, and recommends are not installed: without
# python3-systemd the jails fail to start while fail2ban-client -t still
# passes.
resource "package" "fail2ban" {
  for_each           = toset(["fail2ban", "python3-systemd", "nftables"])
  name               = each.key
  install_recommends = false
}

# The group's check reads the staged jail.d file with the rest of
# /etc/fail2ban (% is the staging directory), and makes sure the journal
# backend can be loaded.
resource "file_group" "fail2ban" {
  directory    = "/etc/fail2ban"
  validate_cmd = "fail2ban-client -c % -t && python3 -c 'import systemd.journal'"
  depends_on   = [package.fail2ban]
}

resource "file" "jails" {
  path     = "/etc/fail2ban/jail.d/jails.local"
  template = "templates/jails.local.tpl"
  vars = {
    jails    = { for name, j in local.known : name => merge(j, { enabled = contains(var.jails, name) }) }
    ignoreip = var.ignoreip
    bantime  = var.bantime
    findtime = var.findtime
    maxretry = var.maxretry
  }
  owner      = "root"
  group      = "root"
  mode       = "0644"
  file_group = file_group.fail2ban
  depends_on = [package.fail2ban]
  notify     = [service.fail2ban]
}

resource "service" "fail2ban" {
  name    = "fail2ban"
  ensure  = "running"
  enable  = true
  refresh = "reload"
  # fail2ban starts even when a jail cannot: each enabled jail must run.
  health = [for j in sort(var.jails) : { name = "jail ${j} runs", command = "fail2ban-client status ${j} >/dev/null" }]
}

output "jails" {
  value = sort(var.jails)
}
