# A node file that is not valid HCL: the attribute has no "=", so HCL
# reads a block header. Nothing else in the file is taken.
node "web" {
  resource "file" "motd" {
    # expect-error: 6:21 Invalid block definition; A block definition must have block content delimited by "{" and "}"
    path "/etc/motd"
  }
}
