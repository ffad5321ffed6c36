# Both ways of rendering a template name a file that does not exist.
node "web" {
  resource "file" "motd" {
    path = "/etc/motd"
    # expect-error: 6:16 Cannot read template; templates/motd.tpl: no such file or directory
    template = "templates/motd.tpl"
    vars     = { name = node.name }
  }

  resource "file" "issue" {
    path = "/etc/issue"
    # expect-error: 13:15 Error in function call; Call to function "templatefile" failed: templates/issue.tpl: no such file or directory.
    content = templatefile("templates/issue.tpl", { name = node.name })
  }

  resource "file" "banner" {
    path    = "/etc/banner"
    content = file("banner.txt") # expect-error: 18:15 Error in function call; Call to function "file" failed: banner.txt: no such file or directory.
  }
}
