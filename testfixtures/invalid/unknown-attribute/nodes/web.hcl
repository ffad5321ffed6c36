# The file kind has no "colour".
node "web" {
  resource "file" "motd" {
    path    = "/etc/motd"
    content = "hello\n"
    colour  = "blue" # expect-error: 6:5 Unsupported argument; An argument named "colour" is not expected here.
  }
}
