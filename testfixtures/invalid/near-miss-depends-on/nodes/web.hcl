# A depends_on naming a resource near one that is declared gets "Did you
# mean" with its address.
node "web" {
  resource "file" "issue" {
    path = "/etc/issue"
  }

  resource "file" "net" {
    path       = "/etc/issue.net"
    depends_on = [file.isue] # expect-error: 10:19 Reference to undeclared resource; No resource file.isue is declared here. Did you mean "file.issue"?
  }
}
