# email: the mail host for @cacert.org addresses: Postfix with
# MariaDB-backed aliases, Dovecot for IMAP, POP3 and sieve with SQL
# authentication, mailboxes under /home/mailboxes.
node "email" {
  roles = ["mail-server", "mail-host", "community-web", "login-guard", "monitored"]
}
