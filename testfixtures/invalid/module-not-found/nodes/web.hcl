# Neither modules/postfix nor the library's postfix exists.
node "web" {
  module "mail" {
    source = "postfix" # expect-error: 4:14 Module not found; No module "postfix" in this repository's modules/ nor in the module library
  }
}
