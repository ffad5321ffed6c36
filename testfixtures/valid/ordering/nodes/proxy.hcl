# for_each over a set and a map, depends_on, notify and locals.
node "proxy" {
  locals {
    sites    = toset(["blog", "shop"])
    backends = { blog = "10.0.0.10:8080", shop = "10.0.0.11:8080" }
    conf_dir = "/etc/haproxy"
  }

  resource "file" "conf_dir" {
    path   = local.conf_dir
    ensure = "directory"
  }

  resource "file" "site" {
    for_each = local.sites
    path     = "${local.conf_dir}/sites/${each.key}.cfg"
    content  = "backend ${each.value}\n  server ${each.value} ${local.backends[each.value]}\n"
    notify   = [exec.reload]
  }

  resource "file" "backend_hosts" {
    for_each = local.backends
    path     = "/etc/hosts.d/${each.key}"
    content  = "${split(":", each.value)[0]} ${each.key}\n"
  }

  resource "file" "main" {
    path       = "${local.conf_dir}/haproxy.cfg"
    content    = join("", [for s in sort(local.sites) : "include ${file.site[s].path}\n"])
    depends_on = [file.backend_hosts["blog"], file.backend_hosts["shop"]]
    notify     = [exec.reload]
  }

  resource "exec" "reload" {
    command      = "systemctl reload haproxy"
    refresh_only = true
  }

  resource "exec" "check" {
    command    = "haproxy -c -f ${file.main.path}"
    unless     = "test -f /run/haproxy.ok"
    depends_on = [file.site]
  }
}
