# mariadb: a MariaDB server with one database, its tables and views, and
# the users (with their grants) that read them. There is no database
# resource kind: SQL files rendered by file resources are run by exec
# resources whose guards compare the file with the copy last applied and
# ask the server whether everything is in place, so a run changes nothing
# on a converged host. Root reaches the server over the unix socket
# (Debian's unix_socket authentication): no password on any command line.

variable "database" {
  type        = string
  description = "The database's name."
  validation {
    condition     = length(regexall("^[a-z_][a-z0-9_]*$", var.database)) > 0
    error_message = "database must be lower case letters, digits and underscores."
  }
}

variable "tables" {
  type        = map(string)
  default     = {}
  description = "Tables by name: the column and key definitions between CREATE TABLE's parentheses. Created when missing, never altered."
}

variable "views" {
  type        = map(string)
  default     = {}
  description = "Views by name: their SELECT statement, kept as given (CREATE OR REPLACE VIEW)."
}

variable "users" {
  type = map(object({
    password   = string
    privileges = list(string)
    objects    = list(string)
  }))
  default     = {}
  description = "Users by name, connecting from localhost: password (sensitive), privileges (such as [\"SELECT\"]) granted on each of objects (tables or views of the database)."
}

variable "bind_address" {
  type        = string
  default     = "127.0.0.1"
  description = "Address the server listens on."
}

locals {
  dir = "/etc/mysql/tend"
  sql = "mysql --no-defaults --protocol=socket --user=root --batch --skip-column-names"
  # Run FILE when it differs from the copy last applied or CHECK fails.
  applied = "cmp -s ${local.dir}/FILE ${local.dir}/FILE.applied"
}

resource "package" "server" {
  name = "mariadb-server"
}

resource "file" "server_cnf" {
  path       = "/etc/mysql/mariadb.conf.d/60-tend.cnf"
  content    = "# managed by tend (module mariadb)\n[mysqld]\nbind-address = ${var.bind_address}\n"
  owner      = "root"
  group      = "root"
  mode       = "0644"
  depends_on = [package.server]
  notify     = [service.mariadb]
}

resource "service" "mariadb" {
  name    = "mariadb"
  ensure  = "running"
  enable  = true
  refresh = "restart"
  package = "mariadb-server"
  # After a restart the server must answer; if not, the change is rolled
  # back.
  health = [{ name = "mysqladmin ping", command = "mysqladmin ping", timeout = "30s", retry = "30s" }]
}

resource "file" "dir" {
  path       = local.dir
  ensure     = "directory"
  owner      = "root"
  group      = "root"
  mode       = "0700"
  depends_on = [package.server]
}

resource "file" "schema" {
  path = "${file.dir.path}/schema.sql"
  content = templatefile("templates/schema.sql.tpl", {
    database = var.database, tables = var.tables, views = var.views
  })
  mode = "0600"
}

resource "file" "schema_check" {
  path = "${file.dir.path}/schema-check.sql"
  content = templatefile("templates/schema-check.sql.tpl", {
    database = var.database, objects = concat(keys(var.tables), keys(var.views))
  })
  mode = "0600"
}

resource "exec" "schema" {
  command    = "${local.sql} < ${file.schema.path} && cp ${file.schema.path} ${file.schema.path}.applied"
  unless     = "${replace(local.applied, "FILE", "schema.sql")} && test \"$(${local.sql} < ${file.schema_check.path})\" = 1"
  depends_on = [service.mariadb]
}

resource "file" "users" {
  path = "${file.dir.path}/users.sql"
  content = sensitive(templatefile("templates/users.sql.tpl", {
    database = var.database, users = var.users
  }))
  mode = "0600"
}

resource "file" "users_check" {
  path = "${file.dir.path}/users-check.sql"
  content = sensitive(templatefile("templates/users-check.sql.tpl", {
    database = var.database, users = var.users
  }))
  mode = "0600"
}

resource "exec" "users" {
  command    = "${local.sql} < ${file.users.path} && cp ${file.users.path} ${file.users.path}.applied"
  unless     = "${replace(local.applied, "FILE", "users.sql")} && test \"$(${local.sql} < ${file.users_check.path})\" = 1"
  depends_on = [exec.schema]
}

output "socket" {
  value = "/run/mysqld/mysqld.sock"
}

output "database" {
  value = var.database
}
