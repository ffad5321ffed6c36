# for_each takes a map, an object or a set of strings.
node "web" {
  resource "file" "list" {
    # expect-error: 5:16 Invalid for_each argument; use toset([...]) for a list
    for_each = ["a", "b"]
    path     = "/etc/${each.key}"
  }

  resource "file" "numbers" {
    for_each = toset([1, 2]) # expect-error: 10:16 Invalid for_each argument
    path     = "/etc/${each.key}"
  }

  resource "file" "string" {
    for_each = "a" # expect-error: 15:16 Invalid for_each argument
    path     = "/etc/${each.key}"
  }
}
