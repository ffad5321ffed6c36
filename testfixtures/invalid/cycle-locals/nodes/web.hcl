# Three locals that refer to each other in a circle.
node "web" {
  locals {
    a = "${local.b}-a"
    b = "${local.c}-b"
    # expect-error: 7:12 Dependency cycle; local.a -> local.b -> local.c -> local.a
    c = "${local.a}-c"
  }

  resource "file" "motd" {
    path    = "/etc/motd"
    content = local.a
  }
}
