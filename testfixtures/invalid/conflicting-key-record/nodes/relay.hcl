# A DKIM key manages its DNS record file as well as the private key: a
# file resource writing the record conflicts with it.
node "relay" {
  resource "dkim_key" "relay" {
    directory = "/etc/dkimkeys/"
    selector  = "2026"
    domain    = "example.org"
    generate  = true
  }
  # expect-error: 11:3 Conflicting resources; file.record and dkim_key.relay (at nodes/relay.hcl:4:3) both manage file:/etc/dkimkeys/2026.txt.
  resource "file" "record" {
    path    = "/etc/dkimkeys/2026.txt"
    content = "2026._domainkey IN TXT \"v=DKIM1; k=rsa; p=\"\n"
  }
}
