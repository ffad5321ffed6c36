role "app" {
  resource "file" "g" {
    path    = "/etc/g"
    content = "${local.greeting} from ${var.nope}" # expect-error: 4:41 Reference to undeclared input variable; No variable named "nope" is declared in this node.
  }
}
