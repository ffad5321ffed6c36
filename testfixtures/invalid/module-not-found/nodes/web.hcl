# Neither modules/exim nor the library's exim exists.
node "web" {
  module "mail" {
    source = "exim" # expect-error: 4:14 Module not found; No module "exim" in this repository's modules/ nor in the module library
  }
}
