# Members of one file_group go live in one step: one cannot depend on
# another.
node "web" {
  resource "file_group" "app" {
    directory = "/etc/app"
  }
  resource "file" "a" {
    path       = "/etc/app/a.conf"
    content    = "include = /etc/app/b.conf\n"
    file_group = file_group.app
  }
  # expect-error: 13:3 Dependency inside a file group; file.b depends on file.c (directly or not), but they go live together, in one step. Refer to what it needs from file.c through a local value, not through the resource.
  resource "file" "b" {
    path       = "/etc/app/b.conf"
    content    = "include = ${file.c.path}\n"
    file_group = file_group.app
  }
  resource "file" "c" {
    path       = "/etc/app/c.conf"
    content    = "x = 1\n"
    file_group = file_group.app
  }
}
