# base validates mailname; the message the module wrote is shown.
node "web" {
  module "base" {
    source   = "base"
    mailname = "Mail Host!" # expect-error: 5:16 Invalid value for variable; var.mailname: mailname must be a domain name.
  }
}
