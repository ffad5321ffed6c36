# Near misses in what the loader looks up first: a role, a module source,
# a resource kind that is a typo of a known one gets "Did you mean".
node "web" {
  roles = ["mail-relay", "mail-rely"] # expect-error: 4:26 Unknown role; No role "mail-rely" in roles/*.hcl and no data/roles/mail-rely.hcl. Did you mean "mail-relay"?

  module "postfix" {
    source = "postfx" # expect-error: 7:14 Module not found; relative sources start with ./ or ../. Did you mean "postfix"?
  }

  resource "fiel" "x" { # expect-error: 10:12 Unknown resource kind; Did you mean "file"?
    path = "/etc/x"
  }
}
