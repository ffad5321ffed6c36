# A health check must do exactly one thing, and its durations must be
# durations; each diagnostic points at the health argument.
node "web" {
  resource "exec" "reload" {
    command      = "true"
    refresh_only = true
    # expect-error: 8:14 Invalid health check; a health check needs exactly one of command, tcp or unix.
    health = [{ command = "true", tcp = "127.0.0.1:25" }]
  }
  resource "exec" "restart" {
    command      = "true"
    refresh_only = true
    # expect-error: 14:14 Invalid health check; retry must be a duration such as "5s", not "soon".
    health = [{ tcp = "127.0.0.1:25", expect = "220", retry = "soon" }]
  }
}
