# A file_group member must lie under the group's directory.
node "web" {
  resource "file_group" "app" {
    directory = "/etc/app"
  }
  resource "file" "conf" {
    path       = "/etc/other.conf"
    content    = "x\n"
    # expect-error: 10:18 Invalid resource; file.conf: /etc/other.conf is not under the group's directory /etc/app
    file_group = file_group.app
  }
}
