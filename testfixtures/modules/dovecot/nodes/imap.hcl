# The dovecot module on its own.
node "imap" {
  module "dovecot" {
    source             = "dovecot"
    postmaster_address = "postmaster@example.org"
    sql = {
      driver         = "mysql"
      connect        = "host=/run/mysqld/mysqld.sock dbname=mail user=dovecot"
      password       = "fixture-password"
      default_scheme = "SHA512-CRYPT"
      password_query = "SELECT username AS user, password FROM dovecot_users WHERE username = '%n'"
      user_query     = "SELECT username AS user FROM dovecot_users WHERE username = '%n'"
      iterate_query  = "SELECT username AS user FROM dovecot_users"
    }
  }
}
