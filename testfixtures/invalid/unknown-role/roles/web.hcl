role "web" {
  resource "file" "index" {
    path    = "/srv/www/index.html"
    content = "<h1>hello</h1>\n"
  }
}
