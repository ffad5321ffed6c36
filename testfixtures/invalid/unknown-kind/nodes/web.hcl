# There is no "package" kind (only file and exec).
node "web" {
  # expect-error: 4:12 Unknown resource kind; There is no resource kind "package"; known kinds: exec, file.
  resource "package" "nginx" {
    ensure = "installed"
  }
}
