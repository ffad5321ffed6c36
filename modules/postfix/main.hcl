# postfix: Postfix from typed inputs: main.cf and master.cf, lookup tables
# of any type, the packages and the service, reloaded on every change.

locals {
  # The package each table type needs beyond postfix itself.
  plugin_of = { pcre = "postfix-pcre", cdb = "postfix-cdb", lmdb = "postfix-lmdb", mysql = "postfix-mysql" }
  table_types = concat([for m in values(var.maps) : m.type], length(var.mysql_maps) > 0 ? ["mysql"] : [])
  plugins = distinct(compact(concat(
    [for t in local.table_types : local.plugin_of[t] if contains(keys(local.plugin_of), t)],
    var.packages,
  )))

  # Every table a main.cf parameter lists, grouped by parameter (tables of
  # one parameter in name order). postconf opens a MySQL table's file:
  # named under $config_directory, the group's check reads the candidate
  # beside the candidate main.cf, not the live file (absent on a first run).
  table_refs = concat(
    [for name, m in var.maps : { parameter = m.parameter, ref = "${m.type}:/etc/postfix/${name}" } if m.parameter != ""],
    [for name, m in var.mysql_maps : { parameter = m.parameter, ref = "proxy:mysql:$config_directory/mysql-${name}.cf" } if m.parameter != ""],
  )
  tables = { for t in local.table_refs : t.parameter => t.ref... }

  # Types Postfix reads from the source itself: the map is only checked.
  built = ["hash", "btree", "cdb", "lmdb"]

  # The check main.cf and master.cf pass together before either goes
  # live: % is a staging directory holding the candidates (and links to
  # the rest of /etc/postfix). postconf must read the pair without a
  # warning (an unknown or repeated parameter is one) and `postfix check`
  # must accept it. postfix reports to syslog unless its stderr is a
  # terminal: script(1) gives it one, so the complaint reaches tend's error.
  check = <<-EOT
    w=$(postconf -c % -n 2>&1 >/dev/null); rc=$?
    if [ $rc -ne 0 ] || [ -n "$w" ]; then echo "$w" >&2; exit 1; fi
    out=$(script -qec "postfix -c % check" /dev/null 2>&1) || { echo "$out" | tr -d '\r' >&2; exit 1; }
  EOT
}

# main.cf, master.cf, the MySQL tables' files and the maps' sources go
# live together or not at all, once the check accepts them together.
resource "file_group" "postfix" {
  directory    = "/etc/postfix"
  validate_cmd = local.check
  depends_on   = [package.postfix, package.plugins]
}

resource "package" "postfix" {
  name = "postfix"
  # Debian's postinst must not write a main.cf of its own.
  debconf = { "postfix/main_mailer_type" = "select No configuration" }
}

# No depends_on: every package of a run then goes into one apt run.
resource "package" "plugins" {
  for_each = toset(local.plugins)
  name     = each.key
}

# Memberships Postfix needs, such as opendkim's group for its socket.
resource "user" "postfix" {
  for_each   = toset(compact([length(var.groups) > 0 ? "postfix" : ""]))
  name       = each.key
  groups     = var.groups
  depends_on = [package.postfix]
  notify     = [service.postfix]
}

resource "file" "master_cf" {
  path         = "/etc/postfix/master.cf"
  template     = "templates/master.cf.tpl"
  vars         = { services = var.services }
  owner        = "root"
  group        = "root"
  mode         = "0644"
  file_group   = file_group.postfix
  depends_on   = [package.postfix]
  notify       = [service.postfix]
}

resource "file" "main_cf" {
  path     = "/etc/postfix/main.cf"
  template = "templates/main.cf.tpl"
  vars = {
    myhostname               = var.myhostname
    mydomain                 = var.mydomain
    myorigin                 = var.myorigin
    mydestination            = var.mydestination
    mynetworks               = var.mynetworks
    relayhost                = var.relayhost
    inet_interfaces          = var.inet_interfaces
    inet_protocols           = var.inet_protocols
    smtp_helo_name           = var.smtp_helo_name
    tls_cert_file            = var.tls_cert_file
    tls_key_file             = var.tls_key_file
    smtpd_tls_security_level = var.smtpd_tls_security_level
    smtp_tls_security_level  = var.smtp_tls_security_level
    client_certificate       = var.client_certificate
    tls_protocols            = var.tls_protocols
    milters                  = var.milters
    milter_default_action    = var.milter_default_action
    tables                   = local.tables
    local_transport          = var.local_transport
    parameters               = var.parameters
  }
  owner        = "root"
  group        = "root"
  mode         = "0644"
  file_group   = file_group.postfix
  # Members of one group never depend on each other: they are applied
  # together.
  depends_on = [package.plugins]
  notify     = [service.postfix]
}

resource "file" "map_source" {
  for_each = var.maps
  path     = "/etc/postfix/${each.key}"
  content  = templatefile("templates/map.tpl", { entries = each.value.entries })
  owner    = "root"
  group    = "root"
  mode     = "0644"
  file_group = file_group.postfix
  # /etc/postfix comes with the package.
  depends_on = [package.postfix]
}

resource "postfix_map" "map" {
  for_each   = var.maps
  path       = file.map_source[each.key].path
  type       = each.value.type
  depends_on = [package.plugins]
  notify     = [service.postfix]
}

resource "file" "mysql_map" {
  for_each = var.mysql_maps
  path     = "/etc/postfix/mysql-${each.key}.cf"
  content = templatefile("templates/mysql.cf.tpl", {
    hosts = each.value.hosts, user = each.value.user, dbname = each.value.dbname,
    query = each.value.query, password = sensitive(each.value.password),
  })
  owner      = "root"
  group      = "postfix"
  mode       = "0640"
  file_group = file_group.postfix
  depends_on = [package.postfix]
  notify     = [service.postfix]
}

resource "postfix_map" "aliases" {
  for_each   = toset(compact([var.aliases_file]))
  path       = each.key
  alias      = true
  depends_on = [package.postfix]
}

# After a reload the SMTP server must greet and the configuration check
# clean; if not, the change is rolled back (see docs/OPERATIONS.md).
resource "service" "postfix" {
  name    = "postfix"
  ensure  = "running"
  enable  = true
  refresh = "reload"
  health = concat(
    var.health_smtp == "" ? [] : [{ name = "smtp greets", tcp = var.health_smtp, expect = "220" }],
    # postfix check walks the queue and the configuration: it may take a
    # while on a busy host.
    [{ name = "postfix check", command = "postfix check", timeout = "60s" }],
  )
}

output "main_cf_path" {
  value = file.main_cf.path
}

output "service" {
  value = "postfix"
}
