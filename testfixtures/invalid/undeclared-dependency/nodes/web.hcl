# depends_on and notify name things that do not exist.
node "web" {
  resource "file" "conf" {
    path = "/etc/app.conf"
    # expect-error: 6:19 Reference to undeclared resource; No resource file.nope is declared here.
    depends_on = [file.nope]
    notify     = [exec.reload["x"]] # expect-error: 7:19 Reference to undeclared instance; Resource exec.reload has no instance "x".
  }

  resource "exec" "reload" {
    for_each     = toset(["a", "b"])
    command      = "systemctl reload app-${each.key}"
    refresh_only = true
  }

  module "m" {
    source     = "./modules/m"
    depends_on = [module.nope] # expect-error: 18:19 Reference to undeclared module; No module call named "nope" is declared here.
  }
}
