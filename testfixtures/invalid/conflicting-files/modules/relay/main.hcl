# relay: an outgoing relay, which also writes main.cf.
# expect-error: 3:1 Conflicting resources; module.relay.file.main_cf and module.postfix.file.main_cf (at modules/postfix/main.hcl:2:1) both manage file:/etc/postfix/main.cf.
resource "file" "main_cf" {
  path    = "/etc/postfix//main.cf"
  content = "relayhost = [smtp.example.org]\n"
}
