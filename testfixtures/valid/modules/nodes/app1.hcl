# A repo-local module, the library module base, and one module's outputs
# feeding another.
node "app1" {
  module "base" {
    source   = "base"
    mailname = "app1.example.org"
  }

  module "app" {
    source   = "app"
    name     = "shop"
    port     = 8081
    password = sensitive("correct horse battery staple")
    admins   = ["alice", "bob"]
  }

  module "watch" {
    source     = "watch"
    file       = module.app.conf_path
    unit       = module.app.unit
    depends_on = [module.base]
  }

  resource "file" "readme" {
    path    = "/etc/README.tend"
    content = "shop reads ${module.app.conf_path}; aliases are in ${module.base.aliases_path}\n"
  }
}
