# Values of every monitored host.

# This host's endpoint (and NodeName): its name in the internal network.
icinga_endpoint = "${node.name}.infra.cacert.org"

# The monitoring master. A placeholder: no host is set for it, so the
# agent never connects out; the master connects to port 5665. Its CA
# signs the agent's certificate; until the module gets it (cert, key,
# ca_cert), the agent runs with a self-signed placeholder.
icinga_parent_zone      = "master"
icinga_parent_endpoints = ["monitor.infra.cacert.org"]

# Local checks of what every host runs (the documents' "Running
# services"), as Icinga CheckCommands of the ITL and their variables.
icinga_checks = {
  ssh     = { command = "ssh", vars = {} }
  cron    = { command = "procs", vars = { procs_command = "cron", procs_critical = "1:" } }
  rsyslog = { command = "procs", vars = { procs_command = "rsyslogd", procs_critical = "1:" } }
  icinga  = { command = "icinga", vars = {} }
}

# ... and of what each role adds, by role.
icinga_role_checks = {
  "mail-server" = {
    smtp    = { command = "smtp", vars = {} }
    postfix = { command = "procs", vars = { procs_command = "master", procs_critical = "1:" } }
  }
  "mail-relay" = {
    opendkim = { command = "procs", vars = { procs_command = "opendkim", procs_critical = "1:" } }
  }
  "mail-host" = {
    imap    = { command = "imap", vars = {} }
    dovecot = { command = "procs", vars = { procs_command = "dovecot", procs_critical = "1:" } }
    mariadb = { command = "procs", vars = { procs_command = "mariadbd", procs_critical = "1:" } }
  }
  "community-web" = {
    http  = { command = "http", vars = {} }
    https = { command = "http", vars = { http_ssl = "true" } }
    nginx = { command = "procs", vars = { procs_command = "nginx", procs_critical = "1:" } }
  }
  "login-guard" = {
    fail2ban = { command = "procs", vars = { procs_command = "fail2ban-server", procs_critical = "1:" } }
  }
}
