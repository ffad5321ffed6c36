node "web" {
  locals {
    domain = "example.com"
  }

  resource "file" "mailname" {
    path    = "/etc/mailname"
    content = data.mailname
  }
}
