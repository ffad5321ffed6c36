# The library module base requires mailname.
node "web" {
  # expect-error: 4:3 Missing required variable; The module requires a value for "mailname", declared at modules@tend/base/main.hcl:3:1.
  module "base" {
    source  = "base"
    aliases = { root = "admin@example.org" }
  }
}
