# postfix: the full mail server configuration.
resource "file" "main_cf" {
  path    = "/etc/postfix/main.cf"
  content = "myhostname = mail.example.org\n"
}
