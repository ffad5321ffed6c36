# Near misses in references: every unknown name that is a typo of a known
# one gets "Did you mean" with the name it is near; a name near nothing
# gets none.
node "web" {
  roles = ["mail-relay"]

  locals {
    greeting = "hello"
  }

  module "app" {
    source = "./modules/app"
    name   = local.greting # expect-error: 13:14 Reference to undeclared local value; is declared in this node. Did you mean "greeting"?
  }

  resource "file" "motd" {
    path    = "/etc/motd"
    content = data.domian # expect-error: 18:15 Missing data value; looked in common, node/web. Did you mean "domain"?
  }

  resource "file" "issue" {
    path    = "/etc/issue"
    content = file.mtd.path # expect-error: 23:15 Reference to undeclared resource; No resource file.mtd is declared in this node. Did you mean "file.motd"?
  }

  resource "file" "net" {
    path       = "/etc/issue.net"
    content    = module.ap.path # expect-error: 28:18 Reference to undeclared module; No module call named "ap" is declared in this node. Did you mean "app"?
  }

  resource "file" "far" {
    path    = "/etc/far"
    content = local.zzzzzzzz # expect-error: 33:15 Reference to undeclared local value; No local value named "zzzzzzzz" is declared in this node.
  }
}
