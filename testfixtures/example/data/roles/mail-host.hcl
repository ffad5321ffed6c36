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
  # Who may send as an address: each active user as themselves, and the
  # users an alias leads to as the alias.
  postfix_sender_logins = "SELECT CONCAT(username, '@cacert.org') AS address, username AS login FROM users WHERE active = 1 UNION ALL SELECT CONCAT(a.alias, '@cacert.org'), u.username FROM aliases a JOIN users u ON a.destination = CONCAT(u.username, '@cacert.org') WHERE u.active = 1"
}

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
# Dovecot, and only from addresses the database says they own.
submission_options = [
  "-o smtpd_tls_security_level=encrypt",
  "-o smtpd_sasl_auth_enable=yes",
  "-o smtpd_tls_auth_only=yes",
  "-o smtpd_sender_restrictions=reject_sender_login_mismatch",
  "-o smtpd_relay_restrictions=permit_sasl_authenticated,reject",
  "-o milter_macro_daemon_name=ORIGINATING",
]

# Addresses of the issue tracker: mail to NAME@cacert.org is forwarded to
# NAME@issue.cacert.org through /etc/aliases (and the transport above).
issue_aliases = {
  "infrastructure" = "infrastructure@issue.cacert.org"
  "software"       = "software@issue.cacert.org"
}

# Recipients rewritten before delivery (/etc/postfix/arbitration, regexp):
# the addresses of deleted accounts go to support's deleted-accounts
# folder, those of closed arbitration cases to the issue tracker.
arbitration = [
  { key = "/^deleted-[a-z0-9.]+@cacert\\.org$/", value = "support+deletedaccounts@cacert.org" },
  { key = "/^a[0-9]{8}\\.[0-9]+@cacert\\.org$/", value = "support@issue.cacert.org" },
]

# Functional addresses of CAcert Inc. whose mail is copied (BCC) to the
# association's archive (/etc/postfix/cacert-inc-bcc).
cacert_inc_bcc = [
  { key = "board@cacert.org", value = "inc-archive@cacert.org" },
  { key = "secretary@cacert.org", value = "inc-archive@cacert.org" },
]
