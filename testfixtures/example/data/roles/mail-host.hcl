# Values of every mail host: addresses of mail_domain are mailboxes and
# aliases kept in MariaDB, read by Postfix and Dovecot through views.

mail_domain = "cacert.org"
database    = "cacertusers"

db_tables = {
  users   = "id INT AUTO_INCREMENT PRIMARY KEY, username VARCHAR(64) NOT NULL UNIQUE, password VARCHAR(255) NOT NULL, active TINYINT NOT NULL DEFAULT 1"
  aliases = "id INT AUTO_INCREMENT PRIMARY KEY, alias VARCHAR(64) NOT NULL, destination VARCHAR(255) NOT NULL, UNIQUE KEY (alias, destination)"
}

# What Postfix and Dovecot may read: only active users, addresses in full.
db_views = {
  postfix_mailboxes = "SELECT CONCAT(username, '@cacert.org') AS address, CONCAT(username, '/Maildir/') AS maildir FROM users WHERE active = 1"
  postfix_aliases   = "SELECT CONCAT(alias, '@cacert.org') AS address, destination FROM aliases"
  dovecot_users     = "SELECT username, password FROM users WHERE active = 1"
}

# Certificates the role's services use: smtp for Postfix on 25, community
# for users (submission, IMAP, POP3).
tls_required = ["smtp", "community"]

# Database passwords: placeholders; keep the real ones encrypted, e.g.
# decrypt("age1...") (see docs/LANGUAGE.md).
postfix_db_password = sensitive("postfix-db-placeholder")
dovecot_db_password = sensitive("dovecot-db-placeholder")

# Mail for the list and issue hosts is forwarded to them.
transport = [
  { key = "lists.cacert.org", value = "smtp:[lists.intra.cacert.org]" },
  { key = "issue.cacert.org", value = "smtp:[issue.intra.cacert.org]" },
]

# Users submit mail on 587 (STARTTLS) and 465 (TLS), authenticated by
# Dovecot.
submission_options = [
  "-o smtpd_tls_security_level=encrypt",
  "-o smtpd_sasl_auth_enable=yes",
  "-o smtpd_tls_auth_only=yes",
  "-o smtpd_relay_restrictions=permit_sasl_authenticated,reject",
  "-o milter_macro_daemon_name=ORIGINATING",
]
