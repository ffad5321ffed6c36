# "service" is not a block a node may hold.
node "web" {
  resource "file" "motd" {
    path    = "/etc/motd"
    content = "hello\n"
  }

  # expect-error: 9:3 Unsupported block type; Blocks of type "service" are not expected here.
  service "nginx" {
    ensure = "running"
  }
}
