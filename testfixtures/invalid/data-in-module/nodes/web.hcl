node "web" {
  module "motd" {
    source = "motd"
  }
}
