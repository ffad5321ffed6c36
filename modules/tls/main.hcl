# tls: X.509 certificates and their keys, checked (key matches, chain in
# order and complete, valid now, names covered) before they are written.
# Every required certificate is in the outputs: the one given, or Debian's
# snakeoil pair when the node allows it; otherwise a missing one is an
# error.

variable "certificates" {
  type = map(object({
    chain      = string
    key        = string
    chain_path = string
    key_path   = string
    names      = list(string)
  }))
  default     = {}
  description = "Certificates by name: the PEM chain (leaf first), its PEM key (always treated as sensitive), where both go, and the host names the leaf must cover."
}

variable "required" {
  type        = list(string)
  default     = []
  description = "Names of the certificates the node uses: chain_paths and key_paths always hold them. One that certificates does not give is an error, unless allow_snakeoil."
  validation {
    condition     = var.allow_snakeoil || length(setsubtract(var.required, keys(var.certificates))) == 0
    error_message = "no certificate given for ${join(", ", sort(setsubtract(var.required, keys(var.certificates))))}: give each its chain and key, or set allow_snakeoil = true to use Debian's snakeoil pair (ssl-cert) instead."
  }
}

variable "allow_snakeoil" {
  type        = bool
  default     = false
  description = "Let a required certificate that is not given fall back to Debian's snakeoil pair, which no client trusts: for test hosts and checkouts without the keys."
}

variable "root" {
  type        = string
  default     = ""
  description = "PEM trust anchor every chain must end at. Empty: each chain must end with a certificate whose issuer is not in it."
}

variable "owner" {
  type        = string
  default     = "root"
  description = "Owner of the chain and key files."
}

variable "key_group" {
  type        = string
  default     = "root"
  description = "Group of the key files, such as ssl-cert for daemons that read keys as that group."
}

variable "key_mode" {
  type        = string
  default     = "0600"
  description = "Mode of the key files (0640 when key_group must read them)."
}

variable "chain_mode" {
  type        = string
  default     = "0644"
  description = "Mode of the chain files."
}

variable "expiry_warning_days" {
  type        = number
  default     = 30
  description = "Plans warn when a certificate expires within this many days."
}

locals {
  # Debian's self-signed pair (package ssl-cert, which postfix and dovecot
  # depend on).
  snakeoil_chain = "/etc/ssl/certs/ssl-cert-snakeoil.pem"
  snakeoil_key   = "/etc/ssl/private/ssl-cert-snakeoil.key"
  # Required names not given: only when allow_snakeoil (else var.required
  # is refused above).
  snakeoil = setsubtract(var.allow_snakeoil ? var.required : [], keys(var.certificates))
  # Every directory the files go into, with its ancestors below the top
  # level: /etc/ssl/public is on no stock Debian host, and /etc/ssl itself
  # only comes with packages that may be installed in the same run.
  directories = distinct(flatten([
    for c in var.certificates : [
      for p in [c.chain_path, c.key_path] : [
        for i in range(3, length(split("/", p))) : join("/", slice(split("/", p), 0, i))
      ]
    ]
  ]))
}

# Owner and mode are left alone: packages that own a directory (ssl-cert's
# /etc/ssl/private, 0710 root:ssl-cert) keep setting them.
resource "file" "directory" {
  for_each = { for d in local.directories : d => d }
  path     = each.key
  ensure   = "directory"
}

resource "tls_certificate" "cert" {
  for_each            = var.certificates
  chain               = each.value.chain
  key                 = each.value.key
  chain_path          = each.value.chain_path
  key_path            = each.value.key_path
  names               = each.value.names
  root                = var.root == "" ? null : var.root
  chain_owner         = var.owner
  chain_group         = "root"
  chain_mode          = var.chain_mode
  key_owner           = var.owner
  key_group           = var.key_group
  key_mode            = var.key_mode
  expiry_warning_days = var.expiry_warning_days
}

output "chain_paths" {
  value = merge(
    { for name in local.snakeoil : name => local.snakeoil_chain },
    { for name, c in tls_certificate.cert : name => c.chain_path },
  )
}

output "key_paths" {
  value = merge(
    { for name in local.snakeoil : name => local.snakeoil_key },
    { for name, c in tls_certificate.cert : name => c.key_path },
  )
}

output "snakeoil" {
  value = sort(local.snakeoil)
}
