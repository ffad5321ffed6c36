# Modules get data through variables, not data.* directly.
resource "file" "motd" {
  path    = "/etc/motd"
  content = data.motd # expect-error: 4:13 Data is not visible in modules; Modules receive data through their variables; pass data.motd in the module block.
}
