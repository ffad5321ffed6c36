role "web" {
  # expect-error: 3:3 Duplicate resource; file.motd is already declared at nodes/web.hcl:4:3.
  resource "file" "motd" {
    path    = "/etc/motd"
    content = "a web server\n"
  }
}
