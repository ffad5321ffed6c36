# Two resources that wait for each other.
node "web" {
  # expect-error: 4:3 Dependency cycle; Resources depend on each other in a circle: file.a -> file.b -> file.a.
  resource "file" "a" {
    path       = "/etc/a"
    depends_on = [file.b]
  }

  resource "file" "b" {
    path       = "/etc/b"
    depends_on = [file.a]
  }

  resource "file" "c" {
    path = "/etc/c"
  }
}
