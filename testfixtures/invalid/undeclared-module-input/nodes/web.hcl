# The motd module takes text, not colour.
node "web" {
  module "motd" {
    source = "motd"
    text   = "hello\n"
    colour = "blue" # expect-error: 6:5 Unsupported argument; The module "motd" has no variable named "colour".
  }
}
