# The nginx module on its own, with Debian's snakeoil certificate.
node "web" {
  module "nginx" {
    source        = "nginx"
    server_name   = "www.example.org"
    tls_cert_file = "/etc/ssl/certs/ssl-cert-snakeoil.pem"
    tls_key_file  = "/etc/ssl/private/ssl-cert-snakeoil.key"
  }
}
