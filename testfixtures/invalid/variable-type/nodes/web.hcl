# base takes aliases as map(string); a list does not convert.
node "web" {
  module "base" {
    source   = "base"
    mailname = "example.org"
    # expect-error: 7:16 Invalid value for variable; var.aliases: map of string required.
    aliases  = ["root", "postmaster"]
  }
}
