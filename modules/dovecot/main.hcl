# dovecot: IMAP, POP3 and ManageSieve with users authenticated from SQL,
# mailboxes in Maildirs under one directory owned by one system user, and
# delivery from Postfix over LMTP (with sieve filtering). One complete
# dovecot.conf replaces Debian's conf.d tree, so nothing else (such as the
# PAM password database) takes part in authentication.

variable "protocols" {
  type        = list(string)
  default     = ["imap", "pop3", "sieve", "lmtp"]
  description = "Protocols served."
}

variable "mailbox_root" {
  type        = string
  default     = "/home/mailboxes"
  description = "Mail for USER is in MAILBOX_ROOT/USER/Maildir."
}

variable "mail_user" {
  type        = string
  default     = "vmail"
  description = "The system user (and group) owning every mailbox."
}

variable "sql" {
  type = object({
    driver         = string
    connect        = string
    password       = string
    default_scheme = string
    password_query = string
    user_query     = string
    iterate_query  = string
  })
  description = "SQL authentication (dovecot-sql.conf.ext): driver (mysql), connect (without the password), the password (sensitive), the default password scheme and the queries: password_query (user, password), user_query (a row for each existing user; uid, gid and home are the module's) and iterate_query (every user, for doveadm -A); %u and friends are Dovecot's variables."
}

variable "tls_cert_file" {
  type        = string
  default     = "/etc/ssl/certs/ssl-cert-snakeoil.pem"
  description = "Certificate chain for IMAPS, POP3S and STARTTLS."
}

variable "tls_key_file" {
  type        = string
  default     = "/etc/ssl/private/ssl-cert-snakeoil.key"
  description = "Its key."
}

variable "postmaster_address" {
  type        = string
  description = "Sender of rejections (postmaster_address)."
}

locals {
  protocol_packages = { imap = "dovecot-imapd", pop3 = "dovecot-pop3d", sieve = "dovecot-managesieved", lmtp = "dovecot-lmtpd" }
  packages          = concat(["dovecot-core", "dovecot-mysql", "dovecot-sieve"], [for p in var.protocols : local.protocol_packages[p]])
  # Postfix (chrooted in /var/spool/postfix) reaches these as private/...
  lmtp_socket = "/var/spool/postfix/private/dovecot-lmtp"
  auth_socket = "/var/spool/postfix/private/auth"
  # Named, not referred to as file.sql_conf.path: members of one
  # file_group never depend on each other.
  sql_conf = "/etc/dovecot/dovecot-sql.conf.ext"
}

resource "package" "dovecot" {
  for_each = toset(local.packages)
  name     = each.key
}

resource "group" "mail" {
  name = var.mail_user
}

resource "user" "mail" {
  name  = var.mail_user
  group = group.mail.name
  home  = var.mailbox_root
  shell = "/usr/sbin/nologin"
}

resource "file" "mailboxes" {
  path   = var.mailbox_root
  ensure = "directory"
  owner  = user.mail.name
  group  = group.mail.name
  mode   = "0750"
}

# dovecot.conf and its SQL file go live together, once doveconf reads
# the new dovecot.conf (% is the staging directory holding both).
resource "file_group" "dovecot" {
  directory    = "/etc/dovecot"
  validate_cmd = "doveconf -n -c %/dovecot.conf >/dev/null"
  depends_on   = [package.dovecot]
}

resource "file" "sql_conf" {
  path = local.sql_conf
  content = templatefile("templates/dovecot-sql.conf.ext.tpl", {
    sql = var.sql, password = sensitive(var.sql.password)
  })
  owner      = "root"
  group      = "root"
  mode       = "0600"
  file_group = file_group.dovecot
  depends_on = [package.dovecot]
  notify     = [service.dovecot]
}

resource "file" "conf" {
  path     = "/etc/dovecot/dovecot.conf"
  template = "templates/dovecot.conf.tpl"
  vars = {
    protocols          = var.protocols
    mailbox_root       = file.mailboxes.path
    mail_user          = user.mail.name
    sql_conf           = local.sql_conf
    tls_cert_file      = var.tls_cert_file
    tls_key_file       = var.tls_key_file
    postmaster_address = var.postmaster_address
    lmtp_socket        = local.lmtp_socket
    auth_socket        = local.auth_socket
  }
  owner        = "root"
  group        = "root"
  mode         = "0644"
  file_group   = file_group.dovecot
  depends_on   = [package.dovecot]
  notify       = [service.dovecot]
}

resource "service" "dovecot" {
  name    = "dovecot"
  ensure  = "running"
  enable  = true
  refresh = "reload"
  package = "dovecot-core"
  # After a reload IMAP must greet; if not, the change is rolled back.
  health = contains(var.protocols, "imap") ? [{ name = "imap greets", tcp = "127.0.0.1:143", expect = "* OK" }] : []
}

output "lmtp_transport" {
  value = "lmtp:unix:private/dovecot-lmtp"
}

output "sasl_path" {
  value = "private/auth"
}
