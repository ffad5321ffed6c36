# path is a string, not a list of strings.
node "web" {
  resource "file" "motd" {
    # expect-error: 5:15 Incorrect attribute value type; Inappropriate value for attribute "path": string required, but have tuple.
    path    = ["/etc/motd", "/etc/issue"]
    content = "hello\n"
  }
}
