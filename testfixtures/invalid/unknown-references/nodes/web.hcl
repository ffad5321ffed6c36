# One unknown reference of each kind; each is reported on its own.
node "web" {
  roles = ["app"]

  locals {
    greeting = "hello"
  }

  module "app" {
    source = "./modules/app"
    name   = "web"
  }

  module "broken" {
    source = "broken"
  }

  resource "file" "a" {
    path    = "/etc/a"
    content = local.nope # expect-error: 20:15 Reference to undeclared local value; No local value named "nope" is declared in this node.
  }

  resource "file" "b" {
    path = "/etc/b"
    # expect-error: 26:15 Missing data value; No data layer sets "nope"; looked in common, node/web.
    content = data.nope
  }

  resource "file" "c" {
    path    = "/etc/c"
    content = module.nope.path # expect-error: 31:15 Reference to undeclared module; No module call named "nope" is declared in this node.
  }

  resource "file" "d" {
    path    = "/etc/d"
    content = file.nope.path # expect-error: 36:15 Reference to undeclared resource; No resource file.nope is declared in this node.
  }

  resource "file" "e" {
    path    = "/etc/e"
    content = servce.nginx.name # expect-error: 41:15 Unknown reference; "servce" is not a variable, local, data, module, node, each or resource kind.
  }

  resource "file" "f" {
    path    = "/etc/f"
    content = module.app.nope # expect-error: 46:25 Unsupported attribute; This object does not have an attribute named "nope".
  }
}
