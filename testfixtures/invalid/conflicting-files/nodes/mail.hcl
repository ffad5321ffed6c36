# Two modules manage the same file; the path is spelled differently.
node "mail" {
  module "postfix" {
    source = "postfix"
  }

  module "relay" {
    source = "relay"
  }
}
