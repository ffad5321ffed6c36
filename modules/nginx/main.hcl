# nginx: one HTTPS site. Port 80 redirects every request to https:// on
# the same host and path; port 443 serves the site's document root with
# its certificate. nginx.conf and the site go live together once `nginx -t`
# accepts them; Debian's default site is disabled first.

variable "server_name" {
  type        = string
  description = "The site's host name (server_name), such as community.example.org."
  validation {
    condition     = length(regexall("^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$", var.server_name)) > 0
    error_message = "server_name must be a host name."
  }
}

variable "tls_cert_file" {
  type        = string
  description = "The site's certificate chain, leaf first (ssl_certificate)."
}

variable "tls_key_file" {
  type        = string
  description = "Its private key (ssl_certificate_key)."
}

variable "document_root" {
  type        = string
  default     = ""
  description = "Where the site's files are. Empty: /var/www/SERVER_NAME."
}

variable "index_html" {
  type        = string
  default     = ""
  description = "The site's index.html. Empty: the module's placeholder page, which names the site and says it has no content yet."
}

variable "extra_config" {
  type        = string
  default     = ""
  description = "nginx configuration added to the http block after the site, such as a server block proxying to an application. Empty: none."
}

variable "ipv6" {
  type        = bool
  default     = true
  description = "Listen on IPv6 too."
}

variable "remove_default_site" {
  type        = bool
  default     = true
  description = "Disable Debian's default site (/etc/nginx/sites-enabled/default)."
}

locals {
  document_root = var.document_root == "" ? "/var/www/${var.server_name}" : var.document_root
  # Named, not referred to as file.*.path: members of one file_group
  # never depend on each other.
  site = "/etc/nginx/sites-enabled/${var.server_name}"
}

# nginx pulls in nginx-core and its modules; nothing it recommends is
# needed (nginx-common only suggests ssl-cert).
resource "package" "nginx" {
  name               = "nginx"
  install_recommends = false
}

# Debian's postinst enables the default site, a default_server on port
# 80 that would clash with the redirect.
resource "file" "default_site" {
  for_each   = toset(var.remove_default_site ? ["/etc/nginx/sites-enabled/default"] : [])
  path       = each.key
  ensure     = "absent"
  depends_on = [package.nginx]
}

resource "file" "document_root" {
  path       = local.document_root
  ensure     = "directory"
  owner      = "root"
  group      = "root"
  mode       = "0755"
  depends_on = [package.nginx]
}

resource "file" "index" {
  path = "${file.document_root.path}/index.html"
  content = var.index_html != "" ? var.index_html : templatefile("templates/index.html.tpl", {
    server_name = var.server_name
  })
  owner = "root"
  group = "root"
  mode  = "0644"
}

# nginx.conf includes everything by paths relative to itself, so that
# `nginx -t -c %/nginx.conf` reads the staged candidates (% is the
# staging directory holding the changed files and links to the rest of
# /etc/nginx).
resource "file_group" "nginx" {
  directory    = "/etc/nginx"
  validate_cmd = "nginx -t -q -c %/nginx.conf"
  depends_on   = [package.nginx, file.default_site]
}

resource "file" "conf" {
  path       = "/etc/nginx/nginx.conf"
  source     = "templates/nginx.conf"
  owner      = "root"
  group      = "root"
  mode       = "0644"
  file_group = file_group.nginx
  depends_on = [package.nginx]
  notify     = [service.nginx]
}

resource "file" "site" {
  path     = local.site
  template = "templates/site.conf.tpl"
  vars = {
    server_name   = var.server_name
    document_root = local.document_root
    tls_cert_file = var.tls_cert_file
    tls_key_file  = var.tls_key_file
    ipv6          = var.ipv6
    extra_config  = var.extra_config
  }
  owner      = "root"
  group      = "root"
  mode       = "0644"
  file_group = file_group.nginx
  depends_on = [package.nginx, file.document_root]
  notify     = [service.nginx]
}

resource "service" "nginx" {
  name    = "nginx"
  ensure  = "running"
  enable  = true
  refresh = "reload"
  # After a reload both ports must accept connections; if not, the change
  # is rolled back.
  health = [
    { name = "http listens", tcp = "127.0.0.1:80" },
    { name = "https listens", tcp = "127.0.0.1:443" },
  ]
}

output "document_root" {
  value = file.document_root.path
}

output "site_path" {
  value = file.site.path
}
