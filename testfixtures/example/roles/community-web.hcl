# The community web site: nginx serves community.cacert.org over https
# with the community certificate (the one Dovecot and submission use) and
# redirects http to it. The self service API on 9443 is not installed
# (see modules/nginx/README.md).
role "community-web" {
  module "nginx" {
    source        = "nginx"
    server_name   = data.web_server_name
    tls_cert_file = module.tls.chain_paths["community"]
    tls_key_file  = module.tls.key_paths["community"]
  }
}
