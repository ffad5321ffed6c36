# postfix: the module's inputs. Every input has the default a stock Debian
# host would have, except where noted.

variable "myhostname" {
  type        = string
  description = "The host's fully qualified name (myhostname)."
}

variable "mydomain" {
  type        = string
  description = "The host's domain (mydomain)."
}

variable "myorigin" {
  type        = string
  default     = "/etc/mailname"
  description = "The domain locally posted mail appears to come from, or a file holding it (myorigin)."
}

variable "mydestination" {
  type        = list(string)
  default     = []
  description = "Domains delivered locally (mydestination). Empty: nothing is local."
}

variable "mynetworks" {
  type        = list(string)
  default     = ["127.0.0.0/8", "[::ffff:127.0.0.0]/104", "[::1]/128"]
  description = "Clients allowed to relay (mynetworks)."
  validation {
    condition     = length(var.mynetworks) > 0
    error_message = "mynetworks may not be empty: list at least the loopback networks."
  }
}

variable "relayhost" {
  type        = string
  default     = ""
  description = "Next hop for all non-local mail (relayhost). Empty: deliver directly."
}

variable "inet_interfaces" {
  type        = string
  default     = ""
  description = "Addresses the SMTP server listens on (inet_interfaces). Empty: Postfix's default, all."
}

variable "inet_protocols" {
  type        = string
  default     = ""
  description = "ipv4, ipv6 or all (inet_protocols). Empty: Postfix's default, all."
  validation {
    condition     = contains(["", "all", "ipv4", "ipv6", "ipv4, ipv6"], var.inet_protocols)
    error_message = "inet_protocols must be \"all\", \"ipv4\", \"ipv6\" or \"ipv4, ipv6\"."
  }
}

variable "smtp_helo_name" {
  type        = string
  default     = ""
  description = "The name the SMTP client greets with (smtp_helo_name). Empty: myhostname."
}

variable "local_transport" {
  type        = string
  default     = ""
  description = "Transport for local recipients (local_transport), such as \"error:local delivery is disabled\". Empty: Postfix's default, local."
}

variable "tls_cert_file" {
  type        = string
  default     = "/etc/ssl/certs/ssl-cert-snakeoil.pem"
  description = "Certificate chain the SMTP server presents (smtpd_tls_cert_file)."
}

variable "tls_key_file" {
  type        = string
  default     = "/etc/ssl/private/ssl-cert-snakeoil.key"
  description = "Its private key (smtpd_tls_key_file)."
}

variable "smtpd_tls_security_level" {
  type        = string
  default     = "may"
  description = "TLS for clients connecting to this host: none, may (opportunistic) or encrypt."
  validation {
    condition     = contains(["none", "may", "encrypt"], var.smtpd_tls_security_level)
    error_message = "smtpd_tls_security_level must be none, may or encrypt."
  }
}

variable "smtp_tls_security_level" {
  type        = string
  default     = ""
  description = "TLS when this host delivers to others (smtp_tls_security_level): may, encrypt, verify... Empty: not set (none)."
}

variable "client_certificate" {
  type = object({
    cert_file = string
    key_file  = string
  })
  default     = null
  description = "Chain and key the SMTP client presents when a server asks for a certificate (smtp_tls_cert_file, smtp_tls_key_file). Null: none."
}

variable "tls_protocols" {
  type        = string
  default     = ""
  description = "Protocols both sides accept, such as \"!SSLv2, !SSLv3, !TLSv1, !TLSv1.1\" (smtpd_tls_protocols and smtp_tls_protocols). Empty: Postfix's defaults."
}

variable "milters" {
  type        = list(string)
  default     = []
  description = "Milters every message passes (smtpd_milters; non_smtpd_milters too). Empty: none, and no milter settings are written."
}

variable "milter_default_action" {
  type        = string
  default     = "accept"
  description = "What to do with a message when a milter fails (milter_default_action)."
}

variable "maps" {
  type = map(object({
    type      = string
    parameter = string
    entries   = list(object({ key = string, value = string }))
  }))
  default     = {}
  description = "Lookup tables, by file name under /etc/postfix: the table type (hash, btree, cdb, lmdb, pcre, regexp, cidr), the main.cf parameter listing it (\"\" for none) and its entries in order."
}

variable "mysql_maps" {
  type = map(object({
    parameter = string
    hosts     = string
    user      = string
    password  = string
    dbname    = string
    query     = string
  }))
  default     = {}
  description = "MySQL lookup tables, by name: /etc/postfix/mysql-NAME.cf (mode 0640, group postfix) listed in parameter. The password is sensitive."
}

variable "aliases_file" {
  type        = string
  default     = ""
  description = "An aliases(5) file to build with postalias, such as base's aliases_path output. Empty: none."
}

variable "services" {
  type = list(object({
    name    = string
    type    = string
    private = string
    unpriv  = string
    chroot  = string
    wakeup  = string
    maxproc = string
    command = string
    args    = list(string)
  }))
  default     = []
  description = "master.cf services added after Debian's stock ones, such as submission on port 587."
}

variable "parameters" {
  type        = map(string)
  default     = {}
  description = "Further main.cf parameters, written last in name order."
}

variable "packages" {
  type        = list(string)
  default     = []
  description = "Further Postfix packages beyond postfix and the map plugins the maps need (postfix-pcre, postfix-mysql, postfix-cdb, postfix-lmdb)."
}

variable "groups" {
  type        = list(string)
  default     = []
  description = "Supplementary groups the postfix user must be in, such as the opendkim module's postfix_groups output (other memberships are left alone)."
}

variable "health_smtp" {
  type        = string
  default     = "127.0.0.1:25"
  description = "HOST:PORT that must greet with 220 after every reload, else the change is rolled back. Empty: no SMTP check (postfix check still runs)."
}
