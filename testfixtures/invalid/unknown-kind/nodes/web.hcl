# There is no "no_such_kind" kind.
node "web" {
  # expect-error: 4:12 Unknown resource kind; There is no resource kind "no_such_kind"; known kinds: ... exec, file
  resource "no_such_kind" "nginx" {
    ensure = "installed"
  }
}
