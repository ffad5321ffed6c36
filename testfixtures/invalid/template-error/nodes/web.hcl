# Templates that exist but do not render. The diagnostic of the template
# attribute points into the template; templatefile() is reported at the
# call, with the place in the template in its detail.
node "web" {
  resource "file" "motd" {
    path = "/etc/motd"
    # expect-error: templates/motd.tpl:1:14 Unknown variable; There is no variable named "nmae".
    template = "templates/motd.tpl"
    vars     = { name = node.name }
  }

  resource "file" "issue" {
    path = "/etc/issue"
    # expect-error: 15:15 Error in function call; "templatefile" failed: templates/issue.tpl:2:1: Unexpected end of template; The if directive ... is missing its corresponding endif directive.
    content = templatefile("templates/issue.tpl", { name = node.name })
  }
}
