role "web" {
  resource "file" "www" {
    path   = "/srv/www"
    ensure = "directory"
    mode   = "0755"
  }

  resource "file" "site" {
    path     = "/etc/nginx/sites-enabled/${node.name}.conf"
    template = "templates/site.conf.tpl"
    vars = {
      server_name = data.fqdn
      port        = data.port
      root        = file.www.path
    }
  }
}
