# each exists only in a resource with for_each.
node "web" {
  locals {
    name = each.key # expect-error: 4:12 Reference to "each" outside for_each
  }

  resource "file" "motd" {
    path = "/etc/motd"
    # expect-error: 10:15 Reference to "each" outside for_each; each.key and each.value exist only inside a resource with for_each.
    content = each.value
  }
}
